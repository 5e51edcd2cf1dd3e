package io.wasmgate.bench;

import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.abi.plugin.Plugin;
import io.wasmgate.abi.config.CodeCache;
import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.config.ModuleSource;
import io.wasmgate.abi.vm.WasmCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Cold start, "file to a started plugin", in the JVM it runs in (run it in a fresh one; bench/coldstart.sh
 * does): reads a module file, loads it (checksum, parse, validation, then compile or the code cache) and
 * starts a one-instance plugin on it. Prints one line of {@code key=value} pairs: {@code total_ms} (file to
 * started plugin), {@code load_ms} of which {@code parse_ms} and {@code code_ms} (compile or cache), {@code
 * start_ms} (instantiate and the guest's start functions), {@code cpu_ms} (the CPU time this thread spent on all of
 * it: on a busy machine a steadier measure than the wall time; Linux only, else -1) and {@code code} ({@code
 * compiled} or {@code cache}).
 *
 * <pre>java -cp bench/target/benchmarks.jar io.wasmgate.bench.ColdStart MODULE.wasm [CACHE_DIR] [ROOT_ID]</pre>
 */
public final class ColdStart {
    private ColdStart() {}

    /** Arguments: the module file, the cache directory ({@code -} or absent: none), the root id. */
    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: ColdStart MODULE.wasm [CACHE_DIR|-] [ROOT_ID]");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        CodeCache cache = args.length > 1 && !args[1].equals("-") ? CodeCache.in(Path.of(args[1])) : null;
        String rootId = args.length > 2 ? args[2] : "";
        if (!Files.isRegularFile(file)) {
            System.err.println("no such module file: " + file);
            System.exit(2);
        }
        ModuleSource source = ModuleSource.ofFile(file);
        long startCpu = threadCpuNanos();
        long start = System.nanoTime();
        // Loaded once here, timed; the plugin below finds the same code in memory and only instantiates it.
        WasmCode code = WasmCode.load("coldstart", source, Engine.COMPILER, cache);
        long loaded = System.nanoTime();
        PluginConfig config = PluginConfig.builder("coldstart").withModule(source).withRootId(rootId).withInstances(1)
                .withCodeCache(cache).build();
        try (Plugin plugin = Plugin.start(config)) {
            long started = System.nanoTime();
            long cpu = threadCpuNanos();
            if (plugin.code() != code) {
                throw new IllegalStateException("the plugin loaded its module again");
            }
            System.out.printf(Locale.ROOT, "coldstart total_ms=%.1f load_ms=%.1f parse_ms=%.1f code_ms=%.1f start_ms=%.1f "
                    + "cpu_ms=%.1f code=%s bytes=%d%n", ms(started - start), ms(loaded - start), ms(code.parseTime().toNanos()),
                    ms(code.codeTime().toNanos()), ms(started - loaded), cpu < 0 || startCpu < 0 ? -1 : ms(cpu - startCpu),
                    code.codeFromCache() ? "cache" : "compiled", fileSize(file));
        }
    }

    /**
     * The CPU time of the calling thread so far, from Linux's {@code /proc/thread-self/schedstat}; -1 if it cannot
     * be read. Not {@code ThreadMXBean}: initializing the management classes would warm up what the load uses.
     */
    private static long threadCpuNanos() {
        try {
            String stat = Files.readString(Path.of("/proc/thread-self/schedstat"));
            return Long.parseLong(stat.substring(0, stat.indexOf(' ')));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static long fileSize(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }
}
