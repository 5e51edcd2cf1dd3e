// Rebuilds every .wasm under src/{main,test}/resources/wasmgate/ from its source:
//   policies/<name>/index.ts  -> src/main/resources/wasmgate/policies/<name>.wasm  (AssemblyScript, asc)
//                                (test-only policies: src/test/resources/wasmgate/policies/<name>.wasm)
//   fixtures/<name>.wat       -> src/test/resources/wasmgate/fixtures/<name>.wasm  (WAT, wabt)
// The main resources are the published jar; the test resources are the test-jar, for tests (and the
// benchmarks) only. Any other file in those output folders is deleted, so the committed outputs always
// match the sources. Output is deterministic: two runs give byte-identical files.
// Usage: npm ci && npm run build
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const root = dirname(fileURLToPath(import.meta.url));
const out = join(root, "src", "main", "resources", "wasmgate");
const testOut = join(root, "src", "test", "resources", "wasmgate");
// Policies that exist to drive tests, not to be used: they go to the test-jar.
const TEST_POLICIES = new Set(["test-actions"]);
const rel = (p) => relative(root, p);

function fail(message) {
  console.error(`build failed: ${message}`);
  process.exit(1);
}

// Sorted names of the entries of dir for which keep(name) is true; [] if dir does not exist.
function list(dir, keep) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).filter(keep).map((e) => e.name).sort();
}

// Deletes every entry of dir that is not in expected (a set of file names).
function removeStale(dir, expected) {
  for (const name of list(dir, () => true)) {
    if (!expected.has(name)) {
      rmSync(join(dir, name), { recursive: true, force: true });
      console.log(`removed stale ${rel(join(dir, name))}`);
    }
  }
}

// AssemblyScript policies, with the flags the @solo-io/proxy-runtime README asks for.
function buildPolicies() {
  const srcDir = join(root, "policies");
  const outDir = join(out, "policies");
  const testOutDir = join(testOut, "policies");
  const names = list(srcDir, (e) => e.isDirectory() && existsSync(join(srcDir, e.name, "index.ts")));
  mkdirSync(outDir, { recursive: true });
  mkdirSync(testOutDir, { recursive: true });
  const asc = join(dirname(require.resolve("assemblyscript/package.json")), "bin", "asc");
  for (const name of names) {
    const src = join(srcDir, name, "index.ts");
    const dst = join(TEST_POLICIES.has(name) ? testOutDir : outDir, `${name}.wasm`);
    try {
      execFileSync(process.execPath, [asc, rel(src), "--binaryFile", rel(dst),
        "--optimize", "--use", "abort=abort_proc_exit"], { cwd: root, stdio: "inherit" });
    } catch (e) {
      fail(`asc could not compile ${rel(src)} (exit ${e.status ?? e.message})`);
    }
    console.log(`built ${rel(dst)} (${readFileSync(dst).length} bytes) from ${rel(src)}`);
  }
  const wasm = (keep) => new Set(names.filter(keep).map((n) => `${n}.wasm`));
  removeStale(outDir, wasm((n) => !TEST_POLICIES.has(n)));
  removeStale(testOutDir, wasm((n) => TEST_POLICIES.has(n)));
}

// WAT fixtures. The finished post-MVP features (wabt's defaults) are spelled out here.
const FEATURES = {
  mutable_globals: true, sat_float_to_int: true, sign_extension: true,
  multi_value: true, bulk_memory: true, reference_types: true,
};

async function buildFixtures() {
  const srcDir = join(root, "fixtures");
  const outDir = join(testOut, "fixtures");
  const names = list(srcDir, (e) => e.isFile() && e.name.endsWith(".wat")).map((n) => n.slice(0, -4));
  mkdirSync(outDir, { recursive: true });
  const wabt = await require("wabt")();
  for (const name of names) {
    const src = join(srcDir, `${name}.wat`);
    const dst = join(outDir, `${name}.wasm`);
    let module;
    try {
      module = wabt.parseWat(rel(src), readFileSync(src, "utf8"), FEATURES);
      module.resolveNames();
      module.validate();
      writeFileSync(dst, module.toBinary({}).buffer);
    } catch (e) {
      fail(`wabt rejected ${rel(src)}:\n${e.message ?? e}`);
    } finally {
      module?.destroy();
    }
    console.log(`built ${rel(dst)} (${readFileSync(dst).length} bytes) from ${rel(src)}`);
  }
  removeStale(outDir, new Set(names.map((n) => `${n}.wasm`)));
}

buildPolicies();
await buildFixtures();
