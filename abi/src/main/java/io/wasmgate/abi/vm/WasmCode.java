package io.wasmgate.abi.vm;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.InterpreterMachine;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExportSection;
import com.dylibso.chicory.wasm.types.ExternalType;
import io.wasmgate.abi.PluginLoadException;
import io.wasmgate.abi.config.CodeCache;
import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.config.ModuleSource;
import io.wasmgate.abi.plugin.LoadedModule;
import io.wasmgate.abi.wire.AbiVersion;
import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A parsed, validated and (for {@link Engine#COMPILER}) compiled proxy-wasm module. Immutable and shared
 * by every VM instance made from it: the compiler runs once here, never per instance.
 */
public final class WasmCode implements LoadedModule {
    private static final byte[] MAGIC = {0x00, 0x61, 0x73, 0x6d};
    static final String ALLOCATOR = "proxy_on_memory_allocate";
    static final String MALLOC = "malloc";
    /**
     * How the compiler ran, part of the code cache's key (a change here makes old entries foreign): every
     * function compiled ({@code fail}: the compiler fails rather than leave a function to the interpreter),
     * the entries whose modules are then parsed without their function bodies; or some functions left to
     * Chicory's interpreter, the fallback of a module the compiler cannot take whole.
     */
    static final String COMPILER_OPTIONS = options(InterpreterFallback.FAIL);
    static final String FALLBACK_OPTIONS = options(InterpreterFallback.WARN);
    private static final int REPORTED_HUGE_METHODS = 10;
    private static final Logger LOG = LoggerFactory.getLogger(WasmCode.class);

    private final String origin;
    private final String sha256;
    private final WasmModule module;
    private final AbiVersion abiVersion;
    private final Engine engine;
    private final Function<Instance, Machine> machineFactory;
    private final Set<String> exports;
    private final Duration parseTime;
    private final Duration codeTime;
    private final boolean codeFromCache;

    private WasmCode(String origin, String sha256, WasmModule module, AbiVersion abiVersion, Engine engine,
            Function<Instance, Machine> machineFactory, Set<String> exports, Duration parseTime, Duration codeTime,
            boolean codeFromCache) {
        this.origin = origin;
        this.sha256 = sha256;
        this.module = module;
        this.abiVersion = abiVersion;
        this.engine = engine;
        this.machineFactory = machineFactory;
        this.exports = exports;
        this.parseTime = parseTime;
        this.codeTime = codeTime;
        this.codeFromCache = codeFromCache;
    }

    /** Loads a module for {@code plugin} (may be empty) from {@code source}, without a code cache on disk. */
    public static WasmCode load(String plugin, ModuleSource source, Engine engine) {
        return load(plugin, source.origin(), source.read(plugin), engine);
    }

    /**
     * Loads a module for {@code plugin} from {@code source}; on the compiler, compiled code is looked up in and
     * stored to {@code cache} ({@code null}: none).
     */
    public static WasmCode load(String plugin, ModuleSource source, Engine engine, CodeCache cache) {
        return load(plugin, source.origin(), source.read(plugin), engine, cache);
    }

    /**
     * Parses and checks {@code bytes}: a Wasm binary, a known {@code proxy_abi_version_*} marker and an
     * allocator export. Each failure is a {@link PluginLoadException} naming the module and the reason.
     * The same bytes from the same origin on the same engine are parsed and compiled once while any
     * plugin still uses them.
     */
    public static WasmCode load(String plugin, String origin, byte[] bytes, Engine engine) {
        return load(plugin, origin, bytes, engine, null);
    }

    /**
     * {@link #load(String, String, byte[], Engine)} with compiled code looked up in and stored to {@code cache}
     * ({@code null}: none). Logs once, at INFO, how long the load took and whether the code was compiled or
     * came from the cache.
     */
    public static WasmCode load(String plugin, String origin, byte[] bytes, Engine engine, CodeCache cache) {
        byte[] digest = sha256(bytes);
        String sha256 = HexFormat.of().formatHex(digest);
        DiskCodeCache disk = DiskCodeCache.of(cache);
        return CompiledCodeCache.get(origin, sha256, engine, () -> parse(plugin, origin, bytes, digest, engine, disk));
    }

    private static WasmCode parse(String plugin, String origin, byte[] bytes, byte[] sha256Digest, Engine engine,
            DiskCodeCache cache) {
        String sha256 = HexFormat.of().formatHex(sha256Digest);
        if (bytes.length < 8 || !startsWithMagic(bytes)) {
            throw new PluginLoadException(plugin, origin, "not a WebAssembly binary (missing \\0asm magic number)");
        }
        long start = System.nanoTime();
        String digest = chicoryDigest(sha256Digest);
        boolean cached = engine == Engine.COMPILER && cache != null;
        // One entry object per key and load: one that was warned about is not read, nor warned about, again.
        DiskCodeCache.Entry compiled = cached ? cache.entry(sha256, COMPILER_OPTIONS) : null;
        if (compiled != null) {
            if (compiled.prefetch(digest)) {
                WasmCode lean = withoutBodies(plugin, origin, bytes, sha256, digest, compiled, start);
                if (lean != null) {
                    return lean;
                }
            }
        }
        DiskCodeCache.Entry entry = cached ? cache.entry(sha256, FALLBACK_OPTIONS) : null;
        // Validation is most of a parse; a module whose compiled code is cached was validated when it was made.
        boolean validate = entry == null || !entry.prefetch(digest);
        WasmModule module = parseModule(plugin, origin, bytes, validate);
        if (!validate && !digest.equals(module.digest())) {
            validate = true;
            module = parseModule(plugin, origin, bytes, true);
        }
        long parsed = System.nanoTime();
        Set<String> exports = checkedExports(plugin, origin, module);
        AbiVersion version = detectAbiVersion(plugin, origin, exports);
        DiskCodeCache.Entry made = null;
        Function<Instance, Machine> factory = null;
        if (compiled != null && validate) {
            made = compiled;
            factory = compileEveryFunction(origin, module, made);
        }
        if (factory == null) {
            made = entry;
            factory = machineFactory(plugin, origin, module, engine, entry);
        }
        if (factory == null) {
            // The cached classes did not load (warned about): compile, from a validated module.
            if (!validate) {
                module = parseModule(plugin, origin, bytes, true);
            }
            made = compiled;
            factory = compileEveryFunction(origin, module, made);
            if (factory == null) {
                made = entry;
                factory = machineFactory(plugin, origin, module, engine, made);
            }
        }
        long done = System.nanoTime();
        if (LOG.isInfoEnabled()) {
            LOG.info("{}module {} (sha256 {}, {} bytes) ready in {} ms: parsed in {} ms, {}", plugin.isEmpty() ? "" : "plugin '"
                    + plugin + "': ", origin, sha256.substring(0, 12), bytes.length, millis(done - start),
                    millis(parsed - start), outcome(engine, cache, made, done - parsed));
        }
        return new WasmCode(origin, sha256, module, version, engine, factory, exports, Duration.ofNanos(parsed - start),
                Duration.ofNanos(done - parsed), made != null && made.served() != null);
    }

    /**
     * The module parsed without its function bodies, on the compiled code of {@code entry}, which holds every
     * function; {@code null} if that cannot be used after all (warned about if the entry is at fault), and the
     * module is then loaded as if there were no entry.
     */
    private static WasmCode withoutBodies(String plugin, String origin, byte[] bytes, String sha256, String digest,
            DiskCodeCache.Entry entry, long start) {
        WasmModule module;
        try {
            byte[] lean = CodeBodies.withoutBodies(bytes);
            module = Parser.builder().withValidation(false).build().parse(() -> new ByteArrayInputStream(lean));
        } catch (ChicoryException | IllegalArgumentException | IndexOutOfBoundsException e) {
            return null; // malformed: the full parse says why
        }
        if (module.digest() == null) {
            // Chicory's parser computes no digest (its DIGEST_ALGORITHM property is "none"), so its compiler
            // would not ask the cache and would compile the bodiless module instead: every call would trap.
            return null;
        }
        long parsed = System.nanoTime();
        Set<String> exports;
        AbiVersion version;
        try {
            exports = checkedExports(plugin, origin, module);
            version = detectAbiVersion(plugin, origin, exports);
        } catch (PluginLoadException e) {
            return null;
        }
        byte[] jar = entry.get(digest);
        if (jar == null) {
            return null;
        }
        Function<Instance, Machine> factory;
        try {
            factory = MachineFactoryCompiler.builder(module).withInterpreterFallback(InterpreterFallback.FAIL)
                    .withCache(new StoredClasses(jar)).compile();
        } catch (RuntimeException | LinkageError e) {
            entry.loadFailed(e);
            return null;
        }
        reportHugeMethods(origin, module, HugeMethods.inJar(jar));
        long done = System.nanoTime();
        if (LOG.isInfoEnabled()) {
            LOG.info("{}module {} (sha256 {}, {} bytes) ready in {} ms: parsed without function bodies in {} ms, {}",
                    plugin.isEmpty() ? "" : "plugin '" + plugin + "': ", origin, sha256.substring(0, 12), bytes.length,
                    millis(done - start), millis(parsed - start), "compiled code loaded from the code cache in "
                    + millis(done - parsed) + " ms (" + entry.served() + ")");
        }
        return new WasmCode(origin, sha256, module, version, Engine.COMPILER, factory, exports,
                Duration.ofNanos(parsed - start), Duration.ofNanos(done - parsed), true);
    }

    /**
     * Compiles every function to bytecode and stores the code in {@code entry}; {@code null} if the compiler
     * would leave some function to the interpreter (then the caller compiles with that fallback).
     */
    private static Function<Instance, Machine> compileEveryFunction(String origin, WasmModule module, DiskCodeCache.Entry entry) {
        try {
            return code(origin, module, InterpreterFallback.FAIL, entry);
        } catch (ChicoryException | IllegalStateException e) {
            return null;
        }
    }

    /**
     * The module's code: loaded from {@code entry} if it holds it, else compiled with {@code fallback} and
     * stored in {@code entry} ({@code null}: none). Reports the huge methods either way.
     */
    private static Function<Instance, Machine> code(String origin, WasmModule module, InterpreterFallback fallback,
            DiskCodeCache.Entry entry) {
        String key = entry == null ? null : module.digest();
        byte[] jar = key == null ? null : entry.get(key);
        if (jar != null) {
            Function<Instance, Machine> factory = MachineFactoryCompiler.builder(module).withInterpreterFallback(fallback)
                    .withCache(new StoredClasses(jar)).compile();
            reportHugeMethods(origin, module, HugeMethods.inJar(jar));
            return factory;
        }
        ModuleCompilation compiled = ModuleCompilation.of(module, fallback);
        if (key != null) {
            entry.putIfAbsent(key, compiled.jar());
        }
        reportHugeMethods(origin, module, HugeMethods.in(compiled.classes()));
        return compiled.machineFactory();
    }

    private static String options(InterpreterFallback fallback) {
        return "interpreter-fallback=" + fallback.name().toLowerCase(Locale.ROOT);
    }

    private static Set<String> checkedExports(String plugin, String origin, WasmModule module) {
        Set<String> exports = functionExports(module);
        if (!exports.contains(ALLOCATOR) && !exports.contains(MALLOC)) {
            throw new PluginLoadException(plugin, origin,
                    "no allocator: the module exports neither proxy_on_memory_allocate nor malloc");
        }
        return exports;
    }

    private static WasmModule parseModule(String plugin, String origin, byte[] bytes, boolean validate) {
        try {
            return Parser.builder().withValidation(validate).build().parse(() -> new ByteArrayInputStream(bytes));
        } catch (ChicoryException | IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new PluginLoadException(plugin, origin, "malformed or truncated WebAssembly binary: " + e.getMessage(), e);
        }
    }

    /**
     * The key Chicory's compiler gives its cache, {@link WasmModule#digest()}, as its parser computes it by
     * default, from the module's SHA-256.
     */
    private static String chicoryDigest(byte[] sha256Digest) {
        return "sha-256:" + Base64.getEncoder().encodeToString(sha256Digest);
    }

    /** The second half of the load's log line: how the code was made. */
    private static String outcome(Engine engine, DiskCodeCache cache, DiskCodeCache.Entry entry, long nanos) {
        if (engine == Engine.INTERPRETER) {
            return "nothing to compile (interpreter)";
        }
        if (entry != null && entry.served() != null) {
            return "compiled code loaded from the code cache in " + millis(nanos) + " ms (" + entry.served() + ")";
        }
        String compiled = "compiled in " + millis(nanos) + " ms";
        if (cache == null) {
            return compiled + " (no code cache)";
        }
        if (entry != null && entry.stored() != null) {
            return compiled + ", stored in the code cache (" + entry.stored() + ")";
        }
        return compiled + ", not stored in the code cache " + cache.dir();
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }

    private static AbiVersion detectAbiVersion(String plugin, String origin, Set<String> exports) {
        AbiVersion found = null;
        for (String name : exports) {
            if (name.startsWith("proxy_abi_version_")) {
                AbiVersion version = AbiVersion.ofMarker(name).orElseThrow(() -> new PluginLoadException(plugin, origin,
                        "unknown proxy-wasm ABI version " + name + " (supported: 0.1.0, 0.2.0, 0.2.1)"));
                if (found == null || version.compareTo(found) > 0) {
                    found = version;
                }
            }
        }
        if (found == null) {
            throw new PluginLoadException(plugin, origin,
                    "not a proxy-wasm module: no proxy_abi_version_* export (is it built with a proxy-wasm SDK?)");
        }
        return found;
    }

    /** The compiled code's factory; {@code null} if code from the cache failed to load (then compile again). */
    private static Function<Instance, Machine> machineFactory(String plugin, String origin, WasmModule module, Engine engine,
            DiskCodeCache.Entry entry) {
        if (engine == Engine.INTERPRETER) {
            return InterpreterMachine::new;
        }
        try {
            try {
                return code(origin, module, InterpreterFallback.WARN, entry);
            } catch (RuntimeException | LinkageError e) {
                if (entry == null || entry.served() == null) {
                    throw e;
                }
                // The entry passed its checks but its classes did not load: never a reason to fail the start.
                entry.loadFailed(e);
                return null;
            }
        } catch (ChicoryException | IllegalStateException e) {
            throw new PluginLoadException(plugin, origin, "the Chicory compiler rejected the module: " + e.getMessage(), e);
        }
    }

    /** Once per compiled module: the functions HotSpot will leave in its interpreter, and the JVM option that avoids it. */
    private static void reportHugeMethods(String origin, WasmModule module, List<HugeMethods.Method> huge) {
        if (huge.isEmpty()) {
            return;
        }
        String names = huge.stream().limit(REPORTED_HUGE_METHODS)
                .map(method -> method.function(module) + ": " + method.bytecodeBytes() + " bytes")
                .collect(Collectors.joining(", ")) + (huge.size() > REPORTED_HUGE_METHODS ? ", ..." : "");
        if (HugeMethods.leftInterpreted()) {
            LOG.warn("{}: {} functions compiled to JVM methods over HotSpot's {}-byte JIT limit, which this JVM runs "
                    + "interpreted, much slower than the rest: {}. Start the JVM with -XX:-DontCompileHugeMethods "
                    + "to have them compiled.", origin, huge.size(), HugeMethods.LIMIT, names);
        } else {
            LOG.info("{}: {} functions compiled to JVM methods over HotSpot's {}-byte limit; "
                    + "-XX:-DontCompileHugeMethods lets the JIT take them: {}", origin, huge.size(), HugeMethods.LIMIT, names);
        }
    }

    private static Set<String> functionExports(WasmModule module) {
        ExportSection section = module.exportSection();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < section.exportCount(); i++) {
            if (section.getExport(i).exportType() == ExternalType.FUNCTION) {
                names.add(section.getExport(i).name());
            }
        }
        return Set.copyOf(names);
    }

    private static boolean startsWithMagic(byte[] bytes) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    public String origin() {
        return origin;
    }

    /** Lower-case hex SHA-256 of the module bytes. */
    public String sha256() {
        return sha256;
    }

    public AbiVersion abiVersion() {
        return abiVersion;
    }

    public Engine engine() {
        return engine;
    }

    /** How long parsing and validating the module took when it was loaded. */
    public Duration parseTime() {
        return parseTime;
    }

    /** How long making the executable code took: compiling, or loading it from the code cache. */
    public Duration codeTime() {
        return codeTime;
    }

    /** {@code true} if the compiled code came from the code cache on disk instead of the compiler. */
    @Override
    public boolean codeFromCache() {
        return codeFromCache;
    }

    /** {@code true} if the module exports a function with this name. */
    public boolean exports(String name) {
        return exports.contains(name);
    }

    WasmModule module() {
        return module;
    }

    Function<Instance, Machine> machineFactory() {
        return machineFactory;
    }
}
