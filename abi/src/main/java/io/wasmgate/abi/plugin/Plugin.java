package io.wasmgate.abi.plugin;

import io.wasmgate.abi.WasmgateException;
import io.wasmgate.abi.config.FailurePolicy;
import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.abi.context.ProxyWasmVm;
import io.wasmgate.abi.context.StreamContext;
import io.wasmgate.abi.hostcalls.Hostcalls;
import io.wasmgate.abi.services.HostMetrics;
import io.wasmgate.abi.services.HostServices;
import io.wasmgate.abi.services.PluginScope;
import io.wasmgate.abi.spi.HttpExchange;
import io.wasmgate.abi.vm.WasmCode;
import io.wasmgate.abi.wire.LogLevel;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A started plugin: its module loaded (and compiled) once, and a pool of VM instances each running the
 * plugin's root context. New streams are spread round-robin over the pool and stay on their instance for
 * life, every callback under that instance's lock.
 *
 * <p>An instance that trapped is discarded and replaced from the loaded module for the next stream that
 * lands on it: at once under {@code fail_closed} and {@code fail_open}, and under {@code fail_reload} no
 * sooner than a randomised backoff after the last replacement (see {@link ReloadBackoff}); until then its
 * streams get the failure policy's answer.
 */
public final class Plugin implements AutoCloseable {
    private final PluginConfig config;
    private final WasmCode code;
    private final PluginScope scope;
    private final AtomicReferenceArray<ProxyWasmVm> pool;
    private final ReloadBackoff[] backoff;
    private final AtomicInteger next = new AtomicInteger();
    private final boolean ownsServices;

    private Plugin(PluginConfig config, WasmCode code, PluginScope scope, AtomicReferenceArray<ProxyWasmVm> pool,
            boolean ownsServices) {
        this.config = config;
        this.code = code;
        this.scope = scope;
        this.pool = pool;
        this.ownsServices = ownsServices;
        this.backoff = new ReloadBackoff[pool.length()];
        for (int i = 0; i < backoff.length; i++) {
            backoff[i] = new ReloadBackoff(config.reloadBackoff());
        }
    }

    /** Starts a plugin with services of its own, closed with it; plugins that share data need {@link #start(PluginConfig, HostServices)}. */
    public static Plugin start(PluginConfig config) {
        HostServices services = HostServices.create();
        try {
            return start(config, services, true);
        } catch (WasmgateException e) {
            services.close();
            throw e;
        }
    }

    /**
     * Loads the module and starts {@link PluginConfig#instances()} VMs on the host's shared services.
     *
     * @throws io.wasmgate.abi.PluginLoadException if the module cannot be read, parsed or linked
     * @throws io.wasmgate.abi.PluginStartException if start-up or configuration fails
     */
    public static Plugin start(PluginConfig config, HostServices services) {
        return start(config, services, false);
    }

    private static Plugin start(PluginConfig config, HostServices services, boolean ownsServices) {
        WasmCode code = WasmCode.load(config.name(), config.module(), config.engine(), config.codeCache().orElse(null));
        PluginScope scope = PluginScope.create(services, config.name());
        AtomicReferenceArray<ProxyWasmVm> pool = new AtomicReferenceArray<>(config.instances());
        try {
            for (int i = 0; i < config.instances(); i++) {
                pool.set(i, ProxyWasmVm.start(config, code, scope, Hostcalls::link));
            }
        } catch (WasmgateException e) {
            closeAll(pool);
            throw e;
        }
        return new Plugin(config, code, scope, pool, ownsServices);
    }

    /** A new stream on the next instance of the pool; the guest hears of it with the first callback. */
    public StreamContext newStream(HttpExchange exchange) {
        int slot = Math.floorMod(next.getAndIncrement(), pool.length());
        return healthy(slot).newStream(exchange);
    }

    /**
     * The VM in {@code slot}, replaced first if it failed and the policy allows it now. If it is not
     * replaced (backoff, or the replacement failed to start too), the failed VM is returned: its streams
     * get the failure policy's answer and a later stream tries again.
     */
    private ProxyWasmVm healthy(int slot) {
        ProxyWasmVm vm = pool.get(slot);
        if (!vm.failed()) {
            return vm;
        }
        synchronized (backoff[slot]) {
            ProxyWasmVm current = pool.get(slot);
            if (current != vm) {
                return current;
            }
            boolean reload = config.failurePolicy() == FailurePolicy.FAIL_RELOAD;
            if (reload && !backoff[slot].tryAcquire()) {
                scope.hostMetrics().failurePolicyApplied(HostMetrics.Outcome.RELOAD_BACKOFF);
                return vm;
            }
            return replace(slot, vm, reload);
        }
    }

    private ProxyWasmVm replace(int slot, ProxyWasmVm failed, boolean counted) {
        try {
            ProxyWasmVm replacement = ProxyWasmVm.start(config, code, scope, Hostcalls::link);
            pool.set(slot, replacement);
            failed.close();
            if (counted) {
                scope.hostMetrics().reloaded(true);
            }
            config.log().log(LogLevel.WARN, "plugin '" + config.name() + "': replaced failed VM instance " + slot);
            return replacement;
        } catch (WasmgateException e) {
            if (counted) {
                scope.hostMetrics().reloaded(false);
            }
            config.log().log(LogLevel.ERROR, "plugin '" + config.name() + "': cannot replace failed VM instance "
                    + slot + ": " + e.getMessage());
            return failed;
        }
    }

    public PluginConfig config() {
        return config;
    }

    /** The loaded module (ABI version, engine, sha256). */
    public WasmCode code() {
        return code;
    }

    /** The host's meters about this plugin. */
    public HostMetrics metrics() {
        return scope.hostMetrics();
    }

    /** Shuts every instance's root context down, then the services if the plugin owns them. */
    @Override
    public void close() {
        closeAll(pool);
        if (ownsServices) {
            scope.services().close();
        }
    }

    private static void closeAll(AtomicReferenceArray<ProxyWasmVm> pool) {
        for (int i = 0; i < pool.length(); i++) {
            ProxyWasmVm vm = pool.get(i);
            if (vm != null) {
                vm.close();
            }
        }
    }
}
