package io.wasmgate.abi.context;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.ImportFunction;
import io.wasmgate.abi.PluginLoadException;
import io.wasmgate.abi.PluginStartException;
import io.wasmgate.abi.PluginTrapException;
import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.abi.services.CallWatchdog;
import io.wasmgate.abi.services.GuestMetrics;
import io.wasmgate.abi.services.HostMetrics;
import io.wasmgate.abi.services.HostServices;
import io.wasmgate.abi.services.InstanceCounts;
import io.wasmgate.abi.services.PluginScope;
import io.wasmgate.abi.services.SerialExecutor;
import io.wasmgate.abi.spi.HttpExchange;
import io.wasmgate.abi.vm.Callback;
import io.wasmgate.abi.vm.GuestMemory;
import io.wasmgate.abi.vm.WasmCode;
import io.wasmgate.abi.vm.WasmInstance;
import io.wasmgate.abi.wire.AbiVersion;
import io.wasmgate.abi.wire.LogLevel;
import io.wasmgate.abi.wire.WasmResult;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One VM instance running one plugin: its contexts, which context a hostcall acts on, the actions
 * deferred until the outermost VM call returns, and whether the VM is still usable.
 *
 * <p>Every call into the guest goes through {@link #call}; every caller holds {@link #lock()}. A trap
 * (or an exception thrown by a hostcall) marks the VM failed for good: later calls are refused and the
 * plugin replaces the instance.
 *
 * <p>Locks, in this order: an integration's own lock for driving a stream (if it has one), then this VM's
 * lock, then the monitors the host takes briefly inside it (the plugin's replacement monitor when a trap
 * schedules the replacement; the integration's, for an attribute a hostcall asks it for). The effects a
 * plugin has on a stream ({@link HttpExchange#continueStream}, {@link HttpExchange#closeStream},
 * {@link HttpExchange#sendLocalReply}), whether from a stream callback, a tick, a queue notification or a
 * callout response, are queued under the VM lock and made after it is released ({@link #afterUnlock}), in
 * the order the VM decided them; so an integration may call its container there (re-dispatch a paused
 * request) without any VM lock held.
 */
public final class ProxyWasmVm {
    private final PluginConfig config;
    private final WasmCode code;
    private final PluginScope scope;
    private final CallWatchdog.Guard deadline;
    private final VmLock lock = new VmLock();
    private final SerialExecutor events;
    private final InstanceCounts counts;
    private final Runnable onFailure;
    private final ContextTable contexts = new ContextTable();
    private final ArrayDeque<Runnable> deferred = new ArrayDeque<>();
    private WasmInstance instance;
    private RootContext root;
    private int lastContextId;
    private ContextBase current;
    private ContextBase effective;
    private int depth;
    private volatile PluginTrapException failure;
    private boolean closed;

    private ProxyWasmVm(PluginConfig config, WasmCode code, PluginScope scope, Runnable onFailure) {
        this.config = config;
        this.onFailure = onFailure;
        this.code = code;
        this.scope = scope;
        this.deadline = scope.services().watchdog().guard(config.limits().callbackDeadline().toNanos());
        this.events = new SerialExecutor(scope.services().scheduler());
        this.counts = scope.hostMetrics().newInstance();
    }

    /**
     * Instantiates {@code code}, links the functions {@code linker} makes for this VM, runs the start
     * functions and starts the root context ({@code proxy_on_context_create}, {@code proxy_on_vm_start},
     * {@code proxy_on_configure}).
     *
     * @throws io.wasmgate.abi.PluginLoadException if the module cannot be linked or instantiated
     * @throws PluginStartException if a start function traps or the root context rejects its start or configuration
     */
    public static ProxyWasmVm start(PluginConfig config, WasmCode code, PluginScope scope,
            Function<ProxyWasmVm, List<ImportFunction>> linker) {
        return start(config, code, scope, linker, () -> { });
    }

    /**
     * {@link #start(PluginConfig, WasmCode, PluginScope, Function)}, telling {@code onFailure} when the VM
     * fails (also during start-up). It runs under this VM's lock, on the thread that saw the trap, so it must
     * neither block nor call into a VM: the plugin only schedules the instance's replacement there.
     */
    public static ProxyWasmVm start(PluginConfig config, WasmCode code, PluginScope scope,
            Function<ProxyWasmVm, List<ImportFunction>> linker, Runnable onFailure) {
        ProxyWasmVm vm = new ProxyWasmVm(config, code, scope, onFailure);
        vm.lock.lock();
        try {
            vm.root = new RootContext(vm, vm.nextContextId());
            vm.instance = vm.instantiate(linker.apply(vm));
            vm.runStartFunctions();
            vm.root.start();
            scope.hostMetrics().vmStarted();
            return vm;
        } catch (PluginTrapException e) {
            vm.release();
            throw new PluginStartException(config.name(), code.origin(), e.reason(), e);
        } catch (RuntimeException e) {
            vm.release();
            throw e;
        } finally {
            vm.lock.unlock();
        }
    }

    /**
     * Instantiates the module. Its start section (all top-level code of an AssemblyScript module) runs here,
     * so it is held to the callback deadline like any other guest code.
     */
    private WasmInstance instantiate(List<ImportFunction> imports) {
        deadline.enter();
        try {
            return WasmInstance.create(config.name(), code, imports, config.limits().memoryPages());
        } catch (PluginLoadException e) {
            throw deadline.exit() ? new PluginLoadException(config.name(), code.origin(), "the module's start section "
                    + "exceeded limits.callback_deadline of " + config.limits().callbackDeadline().toMillis() + " ms", e) : e;
        } finally {
            deadline.exit(); // ends the call on success; after the catch above it has nothing left to do
        }
    }

    private void runStartFunctions() {
        if (instance.has(Callback.INITIALIZE)) {
            call(root, Callback.INITIALIZE);
            if (instance.has(Callback.MAIN)) {
                call(root, Callback.MAIN, 0, 0);
            } else if (instance.has(Callback.MAIN_VOID)) {
                call(root, Callback.MAIN_VOID);
            }
        } else if (instance.has(Callback.START)) {
            call(root, Callback.START);
        }
    }

    /**
     * Runs {@code callback} with {@code context} current and effective, then, once the outermost call has
     * returned, the deferred actions. A trap fails the VM and is rethrown as {@link PluginTrapException}.
     */
    long call(ContextBase context, Callback callback, long... args) {
        if (failure != null) {
            throw failure;
        }
        ContextBase savedCurrent = current;
        ContextBase savedEffective = effective;
        current = context;
        effective = context;
        boolean outermost = depth++ == 0;
        boolean timed = outermost && counts.timesNext(callback);
        long started = timed ? System.nanoTime() : 0;
        if (outermost) {
            deadline.enter();
        }
        try {
            return instance.call(callback, args);
        } catch (PluginTrapException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            throw fail(callback, e);
        } finally {
            depth--;
            current = savedCurrent;
            effective = savedEffective;
            if (outermost) {
                deadline.exit();
                counts.callback(callback, timed ? System.nanoTime() - started : InstanceCounts.NOT_TIMED);
                if (failure == null) {
                    runDeferred();
                } else {
                    failPausedStreams();
                }
            }
        }
    }

    private PluginTrapException fail(Callback callback, Throwable cause) {
        Throwable reason = cause instanceof ChicoryInterruptedException
                ? new ChicoryInterruptedException("exceeded limits.callback_deadline of "
                        + config.limits().callbackDeadline().toMillis() + " ms", cause)
                : cause;
        PluginTrapException trap = new PluginTrapException(config.name(), code.origin(), callback.exportName(), reason);
        failure = trap;
        deferred.clear();
        root.setTickPeriod(0);
        root.callouts().cancelAll();
        scope.hostMetrics().trapped();
        config.log().log(LogLevel.ERROR, prefix() + trap.getMessage());
        onFailure.run();
        return trap;
    }

    /** Streams paused on this VM will never be continued by it: each gets its failure policy now. */
    private void failPausedStreams() {
        for (ContextBase context : contexts.snapshot()) {
            if (context instanceof HttpContext stream) {
                stream.onVmFailedWhilePaused();
            }
        }
    }

    private void runDeferred() {
        Runnable action;
        while ((action = deferred.poll()) != null) {
            action.run();
        }
    }

    /** Queues {@code action} to run after the outermost VM call returns (re-entrancy). */
    void defer(Runnable action) {
        deferred.add(action);
    }

    /**
     * Queues {@code call}, a call into the integration ({@link HttpExchange} effects), to be made once this
     * thread has released the VM lock, in order with every other such call of this VM. The caller holds the lock.
     */
    void afterUnlock(Runnable call) {
        lock.afterRelease(call);
    }

    int nextContextId() {
        do {
            lastContextId = lastContextId == Integer.MAX_VALUE ? 1 : lastContextId + 1;
        } while (contexts.contains(lastContextId));
        return lastContextId;
    }

    void register(ContextBase context) {
        contexts.put(context);
    }

    void unregister(ContextBase context) {
        contexts.remove(context.id());
        if (effective == context) {
            effective = current;
        }
    }

    /** Creates a stream context for {@code exchange}; the guest hears of it with the first callback. */
    public HttpContext newStream(HttpExchange exchange) {
        lock.lock();
        try {
            counts.streamStarted();
            return new HttpContext(this, nextContextId(), exchange);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Shuts the root context down: {@code proxy_on_done}, then {@code proxy_on_delete} unless the plugin
     * asked to finish later with {@code proxy_done}. A failed VM is not called.
     */
    public void close() {
        lock.lock();
        if (closed) {
            lock.unlock();
            return;
        }
        try {
            closed = true;
            if (failure == null) {
                root.shutdown();
            }
        } catch (PluginTrapException e) {
            // Already logged and recorded by call(); a failing shutdown has nothing left to protect.
        } finally {
            release();
            scope.hostMetrics().vmStopped();
            lock.unlock();
        }
    }

    /**
     * Stops what runs on this VM's behalf (its timer, its callouts and its deadline guard) and hands its
     * counts over to the plugin's totals.
     */
    private void release() {
        if (root != null) {
            root.setTickPeriod(0);
            root.callouts().cancelAll();
        }
        deadline.close();
        counts.retire();
    }

    /** Delivers {@code proxy_on_tick} to the root context; a failed or closed VM ignores it. */
    void deliverTick() {
        deliverToRoot(Callback.ON_TICK, root.id());
    }

    /** Delivers {@code proxy_on_queue_ready} for {@code queueId} to the root context (a shared queue receiver). */
    public void deliverQueueReady(int queueId) {
        deliverToRoot(Callback.ON_QUEUE_READY, root.id(), queueId);
    }

    /**
     * Runs {@code event} (a callout response or gRPC event) on this VM's serial executor, under the lock,
     * unless the VM has failed or closed by then. Events run in the order they were handed in.
     */
    void deliver(Runnable event) {
        events.execute(() -> {
            lock.lock();
            try {
                if (!closed && failure == null) {
                    event.run();
                }
            } catch (PluginTrapException e) {
                // The VM is now failed; the trap is logged and counted, and the plugin replaces the instance.
            } finally {
                lock.unlock();
            }
        });
    }

    private void deliverToRoot(Callback callback, long... args) {
        lock.lock();
        try {
            if (closed || failure != null) {
                return;
            }
            call(root, callback, args);
        } catch (PluginTrapException e) {
            // The VM is now failed; the trap is logged and counted, and the plugin replaces the instance.
        } finally {
            lock.unlock();
        }
    }

    /** The context hostcalls act on: the effective context if the guest switched it, else the current one. */
    public ContextBase effectiveContext() {
        return effective != null ? effective : root;
    }

    /** {@code proxy_set_effective_context}: any live context of this VM. */
    public WasmResult setEffectiveContext(int contextId) {
        ContextBase context = contexts.get(contextId);
        if (context == null) {
            return WasmResult.BAD_ARGUMENT;
        }
        effective = context;
        return WasmResult.OK;
    }

    /**
     * The size of the guest's linear memory in bytes, {@code 0} once closed. Read without the VM's lock, for
     * metrics: a growth under way shows a moment later.
     */
    public long memoryBytes() {
        WasmInstance running = instance;
        return running == null || closed ? 0 : running.memory().sizeBytes();
    }

    /** Guest memory; only valid while a hostcall of this VM runs. */
    public GuestMemory memory() {
        return instance.memory();
    }

    public PluginConfig config() {
        return config;
    }

    /** The host services this VM uses. */
    public HostServices services() {
        return scope.services();
    }

    /** The metrics the plugin defined, shared by its instances. */
    public GuestMetrics guestMetrics() {
        return scope.guestMetrics();
    }

    /** The host's meters about this plugin. */
    public HostMetrics hostMetrics() {
        return scope.hostMetrics();
    }

    public AbiVersion abiVersion() {
        return code.abiVersion();
    }

    public RootContext root() {
        return root;
    }

    /** The lock every caller into this VM holds. */
    public ReentrantLock lock() {
        return lock;
    }

    /** {@code true} once a trap made this VM unusable. */
    public boolean failed() {
        return failure != null;
    }

    /** Writes a line to the plugin's log, prefixed with the plugin's name ({@code wasm log <name>: }). */
    public void log(LogLevel level, String message) {
        config.log().log(level, prefix() + message);
    }

    /**
     * A guest's {@code proxy_log} line: written if the plugin log's level lets it through, and kept for
     * the error if it is a warning or worse during a start callback that then fails. {@code message}
     * is only decoded when one of the two needs it.
     */
    public void guestLog(LogLevel level, Supplier<String> message) {
        boolean written = level.compareTo(config.log().level()) >= 0;
        boolean quoted = root != null && root.quotesLogAt(level);
        if (!written && !quoted) {
            return;
        }
        String text = message.get();
        if (quoted) {
            root.quoteLog(text);
        }
        if (written) {
            log(level, text);
        }
    }

    private String prefix() {
        return "wasm log " + config.name() + ": ";
    }
}
