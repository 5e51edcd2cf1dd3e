package io.wasmgate.abi.vm;

import static org.assertj.core.api.Assertions.assertThat;

import com.dylibso.chicory.wasm.types.OpCode;

import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.config.ModuleSource;
import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.abi.plugin.StreamContext;
import io.wasmgate.abi.plugin.Plugin;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.testing.Modules;
import io.wasmgate.abi.testing.RecordingExchange;
import io.wasmgate.abi.wire.FilterHeadersStatus;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiled code on disk: a load that finds its module's entry uses it instead of compiling; damaged, foreign
 * or unreadable entries and unusable directories are warnings, never failed starts. Each load uses an origin
 * of its own, so that the in-memory {@link CompiledCodeCache} does not answer instead of the disk.
 */
class DiskCodeCacheTest {
    private static final byte[] ADD_HEADER = Modules.policy("add-header").read("");
    private static int loads;

    @TempDir
    Path dir;

    private final List<String> warnings = new ArrayList<>();

    private DiskCodeCache cache(Path directory, String chicoryVersion) {
        return new DiskCodeCache(directory, chicoryVersion, false, warnings::add);
    }

    private DiskCodeCache cache() {
        return cache(dir, DiskCodeCache.chicoryVersion());
    }

    /** Starts the add-header policy from a fresh origin with {@code cache} and checks it adds its header. */
    static void startAndServe(DiskCodeCache cache) {
        PluginConfig config = PluginConfig.builder("add-header")
                .withModule(ModuleSource.ofBytes("add-header.wasm#" + ++loads, ADD_HEADER))
                .withRootId("add_header")
                .withConfiguration("x-cached: yes\n")
                .withInstances(1)
                .withCodeCache(cache)
                .build();
        try (Plugin plugin = Plugin.start(config)) {
            StreamContext stream = plugin.newStream(new RecordingExchange());
            Headers request = new Headers().add(":method", "GET").add(":path", "/").add(":authority", "a").add(":scheme", "http");
            assertThat(stream.onRequestHeaders(request, true)).isEqualTo(FilterHeadersStatus.CONTINUE);
            Headers response = new Headers().add(":status", "200");
            assertThat(stream.onResponseHeaders(response, true)).isEqualTo(FilterHeadersStatus.CONTINUE);
            stream.onDone();
            assertThat(response.first("x-cached")).contains("yes");
            assertThat(stream.failed()).isFalse();
        }
    }

    private List<Path> entries() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(DiskCodeCache.SUFFIX)).toList();
        }
    }

    private Path onlyEntry() throws IOException {
        List<Path> entries = entries();
        assertThat(entries).hasSize(1);
        return entries.get(0);
    }

    @Test
    void aLaterLoadTakesTheCompiledCodeFromTheDirectoryInsteadOfCompiling() throws IOException {
        DiskCodeCache first = cache();
        startAndServe(first);
        assertThat(first.stores()).isEqualTo(1);
        Path entry = onlyEntry();
        assertThat(entry.getFileName().toString()).startsWith(WasmCode.load("", "sha.wasm", ADD_HEADER, Engine.INTERPRETER).sha256() + "-");
        byte[] written = Files.readAllBytes(entry);
        FileTime lastUsed = FileTime.from(Instant.now().minus(Duration.ofDays(20)));
        Files.setLastModifiedTime(entry, lastUsed);

        DiskCodeCache restarted = cache();
        startAndServe(restarted);

        assertThat(restarted.hits()).isEqualTo(1);
        assertThat(restarted.stores()).isZero();
        assertThat(Files.readAllBytes(entry)).isEqualTo(written);
        assertThat(entries()).containsExactly(entry);
        assertThat(warnings).isEmpty();
        assertThat(Files.getLastModifiedTime(entry)).as("marked used by the load it served").isGreaterThan(lastUsed);
    }

    @Test
    void aStoreRemovesEntriesNoLoadUsedForThirtyDaysAndTemporaryFilesLeftBehindButNothingElse() throws IOException {
        String hex64 = "ab".repeat(32);
        Path unused = oldFile(hex64 + "-0123456789abcdef.code", Duration.ofDays(31));
        Path recentlyUsed = oldFile(hex64 + "-fedcba9876543210.code", Duration.ofDays(29));
        Path abandoned = oldFile(hex64 + "-0123456789abcdef.code.8512367.tmp", Duration.ofDays(2));
        Path beingWritten = oldFile(hex64 + "-fedcba9876543210.code.99.tmp", Duration.ofHours(1));
        Path abandonedProbe = oldFile(".probe-42.tmp", Duration.ofDays(3));
        Path notes = oldFile("notes.txt", Duration.ofDays(400));
        Path foreign = oldFile("mine.code", Duration.ofDays(400));

        DiskCodeCache cache = cache();
        startAndServe(cache);

        assertThat(cache.stores()).isEqualTo(1);
        assertThat(unused).doesNotExist();
        assertThat(abandoned).doesNotExist();
        assertThat(abandonedProbe).doesNotExist();
        assertThat(recentlyUsed).exists();
        assertThat(beingWritten).exists();
        assertThat(notes).exists();
        assertThat(foreign).exists();
        assertThat(entries()).hasSize(3); // the new entry, recentlyUsed and foreign
        assertThat(warnings).isEmpty();
    }

    @Test
    void aLoadServedFromTheCacheRemovesNothing() throws IOException {
        startAndServe(cache());
        Path unused = oldFile("cd".repeat(32) + "-0123456789abcdef.code", Duration.ofDays(90));

        startAndServe(cache());

        assertThat(unused).as("pruning happens when the directory grows, on a store").exists();
    }

    /**
     * With Chicory's parser digest turned off, its compiler does not consult a cache, and a module parsed
     * without its bodies would be compiled as it is: every function a trap. Such a load takes the full parse
     * and compiles instead.
     */
    @Test
    void withChicorysDigestTurnedOffAnEntryIsNotUsedAndThePolicyStillRuns() throws Exception {
        startAndServe(cache());
        String classPath = System.getProperty("java.class.path") + File.pathSeparator
                + System.getProperty("jdk.module.path", "");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dcom.dylibso.chicory.wasm.Parser.DIGEST_ALGORITHM=none", "-cp", classPath,
                DigestOffLoad.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(child.waitFor()).as(output).isZero();
        assertThat(output).contains("digest null, from cache false").contains("served");
    }

    private Path oldFile(String name, Duration age) throws IOException {
        Path file = Files.write(dir.resolve(name), new byte[] {1, 2, 3});
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(age)));
        return file;
    }

    @Test
    void aModuleWhoseFunctionsAreAllInTheEntryIsParsedWithoutItsFunctionBodies() {
        startAndServe(cache());

        WasmCode code = WasmCode.load("", "add-header.wasm#lean", ADD_HEADER, Engine.COMPILER, cache());

        assertThat(code.codeFromCache()).isTrue();
        assertThat(code.module().codeSection().getFunctionBody(0).instructions())
                .extracting(instruction -> instruction.opcode()).containsExactly(OpCode.UNREACHABLE, OpCode.END);
        assertThat(warnings).isEmpty();
    }

    @Test
    void aTruncatedEntryIsIgnoredWithOneWarningRecompiledAndReplaced() throws IOException {
        startAndServe(cache());
        Path entry = onlyEntry();
        byte[] whole = Files.readAllBytes(entry);
        Files.write(entry, Arrays.copyOf(whole, whole.length / 2));

        DiskCodeCache restarted = cache();
        startAndServe(restarted);

        assertThat(warnings).singleElement().asString().contains(entry.toString()).contains("truncated");
        assertThat(restarted.hits()).isZero();
        assertThat(restarted.stores()).isEqualTo(1);
        DiskCodeCache again = cache();
        startAndServe(again);
        assertThat(again.hits()).isEqualTo(1);
    }

    @Test
    void aGarbledEntryFailsItsChecksumAndIsRecompiled() throws IOException {
        startAndServe(cache());
        Path entry = onlyEntry();
        byte[] bytes = Files.readAllBytes(entry);
        bytes[bytes.length - 100] ^= 0x5a;
        Files.write(entry, bytes);

        DiskCodeCache restarted = cache();
        startAndServe(restarted);

        assertThat(warnings).singleElement().asString().contains(entry.toString()).contains("wrong checksum");
        assertThat(restarted.stores()).isEqualTo(1);
    }

    @Test
    void aFileThatIsNoEntryAtAllIsReplaced() throws IOException {
        startAndServe(cache());
        Path entry = onlyEntry();
        Files.writeString(entry, "not compiled code");

        DiskCodeCache restarted = cache();
        startAndServe(restarted);

        assertThat(warnings).singleElement().asString().contains(entry.toString()).contains("wrong magic number");
        assertThat(restarted.hits()).isZero();
        assertThat(restarted.stores()).isEqualTo(1);
    }

    @Test
    void anEntryOfAnotherChicoryVersionIsNeitherFoundNorUsedUnderTheCurrentName() throws IOException {
        startAndServe(cache(dir, "0.0.1-other"));
        Path foreign = onlyEntry();

        DiskCodeCache current = cache();
        startAndServe(current);
        assertThat(current.hits()).isZero();
        assertThat(current.stores()).isEqualTo(1);
        assertThat(warnings).isEmpty();

        Path own = entries().stream().filter(p -> !p.equals(foreign)).findFirst().orElseThrow();
        Files.copy(foreign, own, StandardCopyOption.REPLACE_EXISTING);
        DiskCodeCache restarted = cache();
        startAndServe(restarted);

        assertThat(warnings).singleElement().asString().contains(own.toString()).contains("another module, Chicory version")
                .contains("chicory 0.0.1-other");
        assertThat(restarted.hits()).isZero();
        assertThat(restarted.stores()).isEqualTo(1);
    }

    @Test
    void aWholeEntryWhoseClassesDoNotLoadIsAWarningAndTheModuleIsCompiledAgain() throws IOException {
        startAndServe(cache());
        Path entry = onlyEntry();
        String sha = entry.getFileName().toString().substring(0, 64);
        String digest = "sha-256:" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha));
        DiskCodeCache.Entry key = cache().entry(sha, WasmCode.COMPILER_OPTIONS);
        assertThat(key.file(digest)).isEqualTo(entry);
        Files.write(entry, DiskCodeCache.entryBytes(key.key(digest), "no classes in here".getBytes(StandardCharsets.UTF_8)));

        DiskCodeCache restarted = cache();
        startAndServe(restarted);

        assertThat(warnings).singleElement().asString().contains(entry.toString()).contains("classes cannot be loaded");
        assertThat(restarted.stores()).isEqualTo(1);
        DiskCodeCache again = cache();
        startAndServe(again);
        assertThat(again.hits()).isEqualTo(1);
    }

    @Test
    void otherCompilerOptionsGiveAnotherEntry() {
        DiskCodeCache cache = cache();
        String sha = "ab".repeat(32);

        assertThat(cache.entry(sha, WasmCode.COMPILER_OPTIONS).file("sha-256:x"))
                .isNotEqualTo(cache.entry(sha, WasmCode.FALLBACK_OPTIONS).file("sha-256:x"));
    }

    @Test
    void aDirectoryThatCannotBeCreatedIsOneWarningAndThePluginsStillStart() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "in the way");
        DiskCodeCache cache = cache(file.resolve("code-cache"), DiskCodeCache.chicoryVersion());

        startAndServe(cache);
        startAndServe(cache);

        assertThat(warnings).singleElement().asString().contains(file.resolve("code-cache").toString()).contains("is off");
        assertThat(cache.stores()).isZero();
    }

    @Test
    void aDirectoryEveryUserMayWriteIsNotUsed() throws IOException {
        Assumptions.assumeTrue(Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null, "POSIX file system");
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        DiskCodeCache cache = cache(shared, DiskCodeCache.chicoryVersion());

        startAndServe(cache);

        assertThat(warnings).singleElement().asString().contains("writable by every user");
        assertThat(cache.stores()).isZero();
    }

    @Test
    void withoutAChicoryVersionNothingIsCached() throws IOException {
        DiskCodeCache cache = cache(dir, null);

        startAndServe(cache);

        assertThat(warnings).singleElement().asString().contains("version cannot be told");
        assertThat(entries()).isEmpty();
    }

    @Test
    void theChicoryVersionInTheKeyIsTheOneTheBuildUses() throws IOException {
        Matcher version = Pattern.compile("<chicory.version>([^<]+)</chicory.version>").matcher(Files.readString(Path.of("../pom.xml")));

        assertThat(version.find()).isTrue();
        assertThat(DiskCodeCache.chicoryVersion()).isEqualTo(version.group(1));
    }

    @Test
    void theDefaultDirectoryIsCreatedForItsOwnerOnly() throws IOException {
        Assumptions.assumeTrue(Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null, "POSIX file system");
        Path own = dir.resolve("wasmgate-user").resolve("code-cache");
        DiskCodeCache cache = new DiskCodeCache(own, DiskCodeCache.chicoryVersion(), true, warnings::add);

        startAndServe(cache);

        assertThat(warnings).isEmpty();
        assertThat(cache.stores()).isEqualTo(1);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(own))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(own.getParent()))).isEqualTo("rwx------");
    }
}
