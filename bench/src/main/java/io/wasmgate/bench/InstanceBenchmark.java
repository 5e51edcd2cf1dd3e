package io.wasmgate.bench;

import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.config.ModuleSource;
import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.abi.context.ProxyWasmVm;
import io.wasmgate.abi.hostcalls.Hostcalls;
import io.wasmgate.abi.plugin.Plugin;
import io.wasmgate.abi.services.HostServices;
import io.wasmgate.abi.services.PluginScope;
import io.wasmgate.abi.vm.WasmCode;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Making VM instances, what a pool pays at start-up and on every replacement of a failed instance.
 *
 * <ul>
 *   <li>{@code instantiate}: one {@link ProxyWasmVm} from code already loaded (and compiled), its root
 *       context started ({@code _initialize}/{@code _start}, {@code proxy_on_vm_start},
 *       {@code proxy_on_configure}), then closed.
 *   <li>{@code loadModule}: {@link WasmCode#load}: checksum, parse, validate and, on the compiler,
 *       compile the module to JVM bytecode. No instance. Each call names the bytes with a new origin,
 *       so abi's cache of loaded code (keyed by origin, sha256 and engine) never answers it.
 *   <li>{@code loadCached}: the same bytes under the origin of the code this benchmark holds: the cache
 *       hit a reload with an unchanged module gets.
 *   <li>{@code startPlugin}: {@link Plugin#start} with one instance from bytes in memory (a new origin
 *       each time, so it loads and compiles), then close: what a plugin costs from bytes to serving.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgs = {"-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@State(Scope.Benchmark)
public class InstanceBenchmark {
    @Param({"INTERPRETER", "COMPILER"})
    public Engine engine;

    @Param({"noop", "add-header"})
    public String module;

    private final Bench.ErrorLog log = new Bench.ErrorLog();
    private HostServices services;
    private PluginConfig.Builder builder;
    private PluginConfig config;
    private byte[] bytes;
    private String origin;
    private WasmCode code;
    private PluginScope scope;
    private long next;

    @Setup
    public void load() {
        services = HostServices.create();
        bytes = Bench.bytes(module);
        origin = "bench:" + module;
        builder = Bench.config(module, engine, log);
        config = builder.withModule(ModuleSource.ofBytes(origin, bytes)).build();
        code = WasmCode.load(config.name(), origin, bytes, engine);
        scope = PluginScope.create(services, config.name());
    }

    @TearDown
    public void stop() {
        services.close();
        log.assertNoErrors();
    }

    @Benchmark
    public ProxyWasmVm instantiate() {
        ProxyWasmVm vm = ProxyWasmVm.start(config, code, scope, Hostcalls::link);
        vm.close();
        return vm;
    }

    @Benchmark
    public WasmCode loadModule() {
        return WasmCode.load(config.name(), origin + "#" + next++, bytes, engine);
    }

    @Benchmark
    public WasmCode loadCached() {
        return WasmCode.load(config.name(), origin, bytes, engine);
    }

    @Benchmark
    public Plugin startPlugin() {
        Plugin plugin = Plugin.start(builder.withModule(ModuleSource.ofBytes(origin + "#" + next++, bytes)).build(), services);
        plugin.close();
        return plugin;
    }
}
