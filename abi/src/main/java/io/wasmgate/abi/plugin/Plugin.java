package io.wasmgate.abi.plugin;

import io.wasmgate.abi.WasmgateException;
import io.wasmgate.abi.config.FailurePolicy;
import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.abi.context.ProxyWasmVm;
import io.wasmgate.abi.hostcalls.Hostcalls;
import io.wasmgate.abi.services.HostMetrics;
import io.wasmgate.abi.services.HostServices;
import io.wasmgate.abi.services.PluginScope;
import io.wasmgate.abi.spi.HttpExchange;
import io.wasmgate.abi.vm.WasmCode;
import io.wasmgate.abi.wire.LogLevel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A started plugin: its module loaded (and compiled) once, and a pool of VM instances each running the
 * plugin's root context. New streams are spread round-robin over the pool and stay on their instance for
 * life, every callback under that instance's lock.
 *
 * <p>An instance that trapped is replaced off the request path: the moment it fails, a replacement is
 * started from the loaded module on the plugin's own replacer thread (started on first need, so a plugin
 * that never fails has none; not the host's scheduler, whose ticks a slow start would hold up). Under
 * {@code fail_closed} and {@code fail_open} the start begins at once; under {@code fail_reload} no sooner
 * than a randomised backoff after the last replacement (see {@link ReloadBackoff}), and a start that fails
 * is tried again after the next backoff. While the slot waits, the streams the round-robin picks for it go
 * to another healthy instance; only when none is healthy do they get the failure policy's answer, or, if
 * the replacement is already starting (not waiting out a backoff), wait for it, as nothing else could serve
 * them. Under the other policies a start that failed is tried again for the next stream that lands on the
 * slot.
 *
 * <p>Locks: a VM's lock may be held when the plugin's {@code replacements} monitor is taken (a trap
 * schedules the replacement under the failed VM's lock), never the other way round; the replacer starts
 * and closes VMs outside the monitor.
 */
public final class Plugin implements AutoCloseable {
    private final PluginConfig config;
    private final WasmCode code;
    private final PluginScope scope;
    private final AtomicReferenceArray<ProxyWasmVm> pool;
    private final AtomicInteger next = new AtomicInteger();
    private final boolean ownsServices;
    private final boolean reload;
    private final ScheduledThreadPoolExecutor replacer;
    /** Guards {@link #backoff}, {@link #pending}, {@link #closed}, and the swap of a slot's VM. */
    private final Object replacements = new Object();
    private final ReloadBackoff[] backoff;
    /** Per slot, the replacement scheduled or starting, if any. */
    private final Pending[] pending;
    private boolean closed;

    /** A replacement of one slot's failed VM, scheduled or starting. */
    private static final class Pending {
        final CountDownLatch done = new CountDownLatch(1);
        /** Whether the start is due now, or has begun, rather than waiting out a backoff. */
        volatile boolean due;

        Pending(boolean due) {
            this.due = due;
        }
    }

    private Plugin(PluginConfig config, WasmCode code, PluginScope scope, AtomicReferenceArray<ProxyWasmVm> pool,
            boolean ownsServices) {
        this.config = config;
        this.code = code;
        this.scope = scope;
        this.pool = pool;
        this.ownsServices = ownsServices;
        this.reload = config.failurePolicy() == FailurePolicy.FAIL_RELOAD;
        this.backoff = new ReloadBackoff[pool.length()];
        this.pending = new Pending[pool.length()];
        for (int i = 0; i < backoff.length; i++) {
            backoff[i] = new ReloadBackoff(config.reloadBackoff());
        }
        this.replacer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "wasmgate-replace-" + config.name());
            thread.setDaemon(true);
            return thread;
        });
        // The thread lives only while replacements are due: a healthy plugin keeps none.
        replacer.setKeepAliveTime(30, TimeUnit.SECONDS);
        replacer.allowCoreThreadTimeOut(true);
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
        // The failure listeners need the plugin; a trap before it exists is seen by the first stream instead.
        AtomicReference<Plugin> plugin = new AtomicReference<>();
        try {
            for (int i = 0; i < config.instances(); i++) {
                int slot = i;
                pool.set(i, ProxyWasmVm.start(config, code, scope, Hostcalls::link, () -> {
                    Plugin started = plugin.get();
                    if (started != null) {
                        started.failed(slot);
                    }
                }));
            }
        } catch (WasmgateException e) {
            closeAll(pool);
            throw e;
        }
        plugin.set(new Plugin(config, code, scope, pool, ownsServices));
        scope.hostMetrics().guestMemory(plugin.get()::memoryBytes);
        return plugin.get();
    }

    /**
     * A new stream on the next instance of the pool, or, if that one failed and is not replaced yet, on
     * another healthy one; the guest hears of it with the first callback.
     */
    public StreamContext newStream(HttpExchange exchange) {
        int slot = Math.floorMod(next.getAndIncrement(), pool.length());
        ProxyWasmVm vm = pool.get(slot);
        return (vm.failed() ? instead(slot, vm) : vm).newStream(exchange);
    }

    /**
     * The VM to use for a stream picked for {@code slot}, whose VM {@code failed}: the replacement if it is
     * in already, else another healthy instance, else (waiting for a replacement that is starting) the
     * replacement, else the failed VM, whose streams get the failure policy's answer.
     */
    private ProxyWasmVm instead(int slot, ProxyWasmVm failed) {
        Pending replacement = schedule(slot, failed);
        for (int i = 0; i < pool.length(); i++) {
            ProxyWasmVm vm = pool.get((slot + i) % pool.length());
            if (!vm.failed()) {
                return vm;
            }
        }
        if (replacement != null && replacement.due) {
            try {
                replacement.done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the caller's to handle; the stream gets the failure policy
            }
        } else if (replacement != null) {
            scope.hostMetrics().failurePolicyApplied(HostMetrics.Outcome.RELOAD_BACKOFF);
        }
        return pool.get(slot); // the replacement, or a failed VM whose streams get the failure policy's answer
    }

    /** The VM in {@code slot} failed: its replacement is scheduled at once, not by the next stream. */
    private void failed(int slot) {
        ProxyWasmVm vm = pool.get(slot);
        if (vm.failed()) {
            schedule(slot, vm);
        }
    }

    /**
     * Schedules the replacement of {@code failed} in {@code slot} unless one is already scheduled: now,
     * or under {@code fail_reload} once the backoff has passed. Returns the replacement, {@code null} if
     * the slot holds another VM by now or the plugin is closed.
     */
    private Pending schedule(int slot, ProxyWasmVm failed) {
        synchronized (replacements) {
            if (closed || pool.get(slot) != failed) {
                return null;
            }
            if (pending[slot] != null) {
                return pending[slot];
            }
            long delay = reload ? backoff[slot].remainingNanos() : 0;
            Pending replacement = new Pending(delay == 0);
            try {
                replacer.schedule(() -> replace(slot, failed, replacement), delay, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                return null; // only once closing has begun
            }
            pending[slot] = replacement;
            return replacement;
        }
    }

    /** On the replacer thread: starts a VM for {@code slot} and swaps it in for {@code failed}. */
    private void replace(int slot, ProxyWasmVm failed, Pending replacement) {
        replacement.due = true;
        ProxyWasmVm fresh = null;
        RuntimeException error = null;
        try {
            fresh = ProxyWasmVm.start(config, code, scope, Hostcalls::link, () -> failed(slot));
            // Before the swap, so the new VM's streams never see the old one counted as running.
            failed.close();
        } catch (RuntimeException e) {
            error = e;
        }
        boolean discard;
        synchronized (replacements) {
            pending[slot] = null;
            discard = closed;
            if (!closed) {
                if (fresh != null) {
                    pool.set(slot, fresh);
                    if (reload) {
                        scope.hostMetrics().reloaded(true);
                    }
                    config.log().log(LogLevel.WARN, "plugin '" + config.name() + "': replaced failed VM instance " + slot);
                } else {
                    if (reload) {
                        scope.hostMetrics().reloaded(false);
                    }
                    config.log().log(LogLevel.ERROR, "plugin '" + config.name() + "': cannot replace failed VM instance "
                            + slot + ": " + error.getMessage());
                }
                // After the log line, so the next reload waits its interval from the moment this one was reported.
                backoff[slot].restart();
            }
        }
        replacement.done.countDown();
        if (discard && fresh != null) {
            fresh.close(); // the plugin closed while this one started: nothing may keep it running
        } else if (fresh != null && fresh.failed()) {
            schedule(slot, fresh); // it trapped between its start and the swap, unheard by the listener
        } else if (fresh == null && reload) {
            schedule(slot, failed); // fail_reload tries again after the backoff; other policies on the next stream
        }
    }

    public PluginConfig config() {
        return config;
    }

    /** The loaded module (ABI version, engine, sha256). */
    public LoadedModule code() {
        return code;
    }

    /** The linear memory of the plugin's running VM instances together, in bytes. */
    public long memoryBytes() {
        long bytes = 0;
        for (int i = 0; i < pool.length(); i++) {
            ProxyWasmVm vm = pool.get(i);
            if (vm != null) {
                bytes += vm.memoryBytes();
            }
        }
        return bytes;
    }

    /** The host's meters about this plugin. */
    public HostMetrics metrics() {
        return scope.hostMetrics();
    }

    /**
     * Stops replacing instances (a replacement still starting is abandoned, or closed once started), shuts
     * every instance's root context down, then the services if the plugin owns them.
     */
    @Override
    public void close() {
        synchronized (replacements) {
            closed = true;
            for (Pending replacement : pending) {
                if (replacement != null) {
                    replacement.done.countDown(); // a stream waiting for it takes the failure policy
                }
            }
        }
        replacer.shutdownNow();
        try {
            // A start ignoring the interrupt closes its VM itself when it ends (replace sees closed).
            replacer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
