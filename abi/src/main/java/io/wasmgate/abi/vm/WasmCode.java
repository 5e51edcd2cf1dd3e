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
import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.config.ModuleSource;
import io.wasmgate.abi.plugin.LoadedModule;
import io.wasmgate.abi.wire.AbiVersion;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
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
    private static final int REPORTED_HUGE_METHODS = 10;
    private static final Logger LOG = LoggerFactory.getLogger(WasmCode.class);

    private final String origin;
    private final String sha256;
    private final WasmModule module;
    private final AbiVersion abiVersion;
    private final Engine engine;
    private final Function<Instance, Machine> machineFactory;
    private final Set<String> exports;

    private WasmCode(String origin, String sha256, WasmModule module, AbiVersion abiVersion, Engine engine,
            Function<Instance, Machine> machineFactory, Set<String> exports) {
        this.origin = origin;
        this.sha256 = sha256;
        this.module = module;
        this.abiVersion = abiVersion;
        this.engine = engine;
        this.machineFactory = machineFactory;
        this.exports = exports;
    }

    /** Loads a module for {@code plugin} (may be empty) from {@code source}. */
    public static WasmCode load(String plugin, ModuleSource source, Engine engine) {
        return load(plugin, source.origin(), source.read(plugin), engine);
    }

    /**
     * Parses and checks {@code bytes}: a Wasm binary, a known {@code proxy_abi_version_*} marker and an
     * allocator export. Each failure is a {@link PluginLoadException} naming the module and the reason.
     * The same bytes from the same origin on the same engine are parsed and compiled once while any
     * plugin still uses them.
     */
    public static WasmCode load(String plugin, String origin, byte[] bytes, Engine engine) {
        String sha256 = sha256(bytes);
        return CompiledCodeCache.get(origin, sha256, engine, () -> parse(plugin, origin, bytes, sha256, engine));
    }

    private static WasmCode parse(String plugin, String origin, byte[] bytes, String sha256, Engine engine) {
        if (bytes.length < 8 || !startsWithMagic(bytes)) {
            throw new PluginLoadException(plugin, origin, "not a WebAssembly binary (missing \\0asm magic number)");
        }
        WasmModule module;
        try {
            module = Parser.parse(bytes);
        } catch (ChicoryException | IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new PluginLoadException(plugin, origin, "malformed or truncated WebAssembly binary: " + e.getMessage(), e);
        }
        Set<String> exports = functionExports(module);
        AbiVersion version = detectAbiVersion(plugin, origin, exports);
        if (!exports.contains(ALLOCATOR) && !exports.contains(MALLOC)) {
            throw new PluginLoadException(plugin, origin,
                    "no allocator: the module exports neither proxy_on_memory_allocate nor malloc");
        }
        return new WasmCode(origin, sha256, module, version, engine, machineFactory(plugin, origin, module, engine), exports);
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

    private static Function<Instance, Machine> machineFactory(String plugin, String origin, WasmModule module, Engine engine) {
        if (engine == Engine.INTERPRETER) {
            return InterpreterMachine::new;
        }
        GeneratedClasses classes = new GeneratedClasses(null);
        Function<Instance, Machine> factory;
        try {
            factory = MachineFactoryCompiler.builder(module).withInterpreterFallback(InterpreterFallback.WARN)
                    .withCache(classes).compile();
        } catch (ChicoryException | IllegalStateException e) {
            throw new PluginLoadException(plugin, origin, "the Chicory compiler rejected the module: " + e.getMessage(), e);
        }
        reportHugeMethods(origin, module, classes.jar());
        return factory;
    }

    /** Once per compiled module: the functions HotSpot will leave in its interpreter, and the JVM option that avoids it. */
    private static void reportHugeMethods(String origin, WasmModule module, byte[] jar) {
        if (jar == null) {
            return;
        }
        List<HugeMethods.Method> huge = HugeMethods.in(jar);
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

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
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
