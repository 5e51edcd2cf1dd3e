package io.wasmgate.abi.plugin;

import io.wasmgate.abi.WasmgateException;
import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.abi.context.ProxyWasmVm;
import io.wasmgate.abi.context.StreamContext;
import io.wasmgate.abi.hostcalls.Hostcalls;
import io.wasmgate.abi.services.HostServices;
import io.wasmgate.abi.spi.HttpExchange;
import io.wasmgate.abi.vm.WasmCode;
import io.wasmgate.abi.wire.LogLevel;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A started plugin: its module loaded (and compiled) once, and a pool of VM instances each running the
 * plugin's root context. New streams are spread round-robin over the pool and stay on their instance for
 * life. An instance that trapped is replaced from the loaded module when the next stream needs it.
 */
public final class Plugin implements AutoCloseable {
    private final PluginConfig config;
    private final WasmCode code;
    private final AtomicReferenceArray<ProxyWasmVm> pool;
    private final AtomicInteger next = new AtomicInteger();
    private final HostServices services;
    private final boolean ownsServices;

    private Plugin(PluginConfig config, WasmCode code, AtomicReferenceArray<ProxyWasmVm> pool, HostServices services,
            boolean ownsServices) {
        this.config = config;
        this.code = code;
        this.pool = pool;
        this.services = services;
        this.ownsServices = ownsServices;
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
        WasmCode code = WasmCode.load(config.name(), config.module(), config.engine());
        AtomicReferenceArray<ProxyWasmVm> pool = new AtomicReferenceArray<>(config.instances());
        try {
            for (int i = 0; i < config.instances(); i++) {
                pool.set(i, newVm(config, code));
            }
        } catch (WasmgateException e) {
            closeAll(pool);
            throw e;
        }
        return new Plugin(config, code, pool, services, ownsServices);
    }

    private static ProxyWasmVm newVm(PluginConfig config, WasmCode code) {
        return ProxyWasmVm.start(config, code, Hostcalls::link);
    }

    /** A new stream on the next instance of the pool; the guest hears of it with the first callback. */
    public StreamContext newStream(HttpExchange exchange) {
        int slot = Math.floorMod(next.getAndIncrement(), pool.length());
        return healthy(slot).newStream(exchange);
    }

    /**
     * The VM in {@code slot}, replaced first if it failed. If the replacement cannot start either, the
     * failed VM is kept: streams on it get the failure policy's answer and the next stream tries again.
     */
    private ProxyWasmVm healthy(int slot) {
        ProxyWasmVm vm = pool.get(slot);
        if (!vm.failed()) {
            return vm;
        }
        synchronized (this) {
            ProxyWasmVm current = pool.get(slot);
            if (current != vm) {
                return current;
            }
            try {
                ProxyWasmVm replacement = newVm(config, code);
                pool.set(slot, replacement);
                config.log().log(LogLevel.WARN, "plugin '" + config.name() + "': replaced failed VM instance " + slot);
                return replacement;
            } catch (WasmgateException e) {
                config.log().log(LogLevel.ERROR, "plugin '" + config.name() + "': cannot replace failed VM instance "
                        + slot + ": " + e.getMessage());
                return vm;
            }
        }
    }

    public PluginConfig config() {
        return config;
    }

    /** The loaded module (ABI version, engine, sha256). */
    public WasmCode code() {
        return code;
    }

    /** Shuts every instance's root context down. */
    @Override
    public void close() {
        closeAll(pool);
        if (ownsServices) {
            services.close();
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
