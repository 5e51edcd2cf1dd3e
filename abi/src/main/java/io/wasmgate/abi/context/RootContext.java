package io.wasmgate.abi.context;

import io.wasmgate.abi.PluginStartException;
import io.wasmgate.abi.spi.Body;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.spi.GrpcCallRequest;
import io.wasmgate.abi.spi.HttpCallRequest;
import io.wasmgate.abi.vm.Callback;
import io.wasmgate.abi.wire.BufferType;
import io.wasmgate.abi.wire.LogLevel;
import io.wasmgate.abi.wire.WasmResult;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The plugin's root context in one VM: started with
 * {@code proxy_on_context_create(R, 0)}, {@code proxy_on_vm_start} and {@code proxy_on_configure}; the
 * parent of every stream context; shut down with {@code proxy_on_done}, possibly deferred until the
 * guest calls {@code proxy_done}.
 */
public final class RootContext extends ContextBase {
    /** The shortest tick period: a guest asking for less gets this, so a timer cannot monopolise a VM. */
    public static final long MIN_TICK_MILLIS = 10;
    /** How many of a failed start callback's last warn-or-worse log lines its error quotes. */
    static final int QUOTED_LOG_LINES = 3;

    private final Body vmConfiguration = new Body();
    private final Body pluginConfiguration = new Body();
    private Callback starting;
    private final Deque<String> startComplaints = new ArrayDeque<>(QUOTED_LOG_LINES);
    private boolean pendingDone;
    private ScheduledFuture<?> ticker;
    private final Callouts callouts;

    RootContext(ProxyWasmVm vm, int id) {
        super(vm, id);
        this.callouts = new Callouts(vm);
        vmConfiguration.replace(vm.config().vmConfiguration());
        pluginConfiguration.replace(vm.config().configuration());
    }

    @Override
    public RootContext root() {
        return this;
    }

    void start() {
        vm.register(this);
        vm.call(this, Callback.ON_CONTEXT_CREATE, id(), 0);
        if (callStartPhase(Callback.ON_VM_START, vmConfiguration.length()) == 0) {
            throw rejected("proxy_on_vm_start returned false: the plugin failed to start");
        }
        if (callStartPhase(Callback.ON_CONFIGURE, pluginConfiguration.length()) == 0) {
            throw rejected("proxy_on_configure returned false: the plugin rejected its configuration");
        }
    }

    private long callStartPhase(Callback phase, int size) {
        starting = phase;
        startComplaints.clear();
        try {
            return vm.call(this, phase, id(), size);
        } finally {
            starting = null;
        }
    }

    /**
     * The plugin's own reason, when it logged one, travels with the error: the operator may not see the
     * plugin's log (no SLF4J provider, a level above warn) but always sees the exception.
     */
    private PluginStartException rejected(String reason) {
        String quoted = startComplaints.isEmpty() ? "" : "; the plugin logged: " + String.join(" | ", startComplaints);
        return new PluginStartException(vm.config().name(), vm.config().module().origin(), reason + quoted, null);
    }

    /** {@code true} if a {@code proxy_log} line at {@code level} now would be quoted should the start fail. */
    boolean quotesLogAt(LogLevel level) {
        return starting != null && level.compareTo(LogLevel.WARN) >= 0;
    }

    /** Keeps a warn-or-worse line of the running start callback, the last {@link #QUOTED_LOG_LINES} only. */
    void quoteLog(String message) {
        if (startComplaints.size() == QUOTED_LOG_LINES) {
            startComplaints.removeFirst();
        }
        startComplaints.addLast(message);
    }

    /**
     * {@code VM_CONFIGURATION} at any time; {@code PLUGIN_CONFIGURATION} only while
     * {@code proxy_on_configure} runs, as in Envoy.
     */
    Optional<Body> configurationBuffer(BufferType type) {
        if (type == BufferType.VM_CONFIGURATION) {
            return Optional.of(vmConfiguration);
        }
        return starting == Callback.ON_CONFIGURE ? Optional.of(pluginConfiguration) : Optional.empty();
    }

    /**
     * ABI 0.1.0's {@code proxy_get_configuration}: the VM configuration inside {@code proxy_on_vm_start},
     * the plugin configuration inside {@code proxy_on_configure}, nothing elsewhere.
     */
    public Optional<Body> legacyConfiguration() {
        if (starting == Callback.ON_VM_START) {
            return Optional.of(vmConfiguration);
        }
        return starting == Callback.ON_CONFIGURE ? Optional.of(pluginConfiguration) : Optional.empty();
    }

    /**
     * {@code proxy_set_tick_period_milliseconds}: replaces this root's timer; 0 stops it. Periods below
     * {@link #MIN_TICK_MILLIS} are raised to it. Ticks run on the host scheduler under the VM lock, so a
     * tick never overlaps another callback of this VM, and the next one is timed from the end of the last.
     */
    public void setTickPeriod(long periodMillis) {
        if (ticker != null) {
            ticker.cancel(false);
            ticker = null;
        }
        if (periodMillis > 0) {
            long period = Math.max(periodMillis, MIN_TICK_MILLIS);
            ticker = vm.services().scheduler().scheduleWithFixedDelay(vm::deliverTick, period, period, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * {@code proxy_http_call} on behalf of {@code origin} (the effective context): sends {@code request}
     * and returns the token its {@code proxy_on_http_call_response} will carry.
     */
    public int httpCall(HttpCallRequest request, ContextBase origin) {
        return callouts.httpCall(request, origin);
    }

    /**
     * {@code proxy_grpc_call} ({@code unaryMessage} non-null) or {@code proxy_grpc_stream} on behalf of
     * {@code origin}; returns the token the gRPC callbacks will carry.
     */
    public int grpcCall(GrpcCallRequest request, ContextBase origin, byte[] unaryMessage) {
        return callouts.grpcCall(request, origin, unaryMessage);
    }

    /** {@code proxy_grpc_send}. */
    public WasmResult grpcSend(int token, byte[] message, boolean endOfStream) {
        return callouts.grpcSend(token, message, endOfStream);
    }

    /** {@code proxy_grpc_cancel}. */
    public WasmResult grpcCancel(int token) {
        return callouts.grpcCancel(token);
    }

    /** {@code proxy_grpc_close}. */
    public WasmResult grpcClose(int token) {
        return callouts.grpcClose(token);
    }

    /** gRPC metadata while the matching metadata callback runs. */
    Optional<Headers> grpcMetadata(boolean trailing) {
        return callouts.grpcMetadata(trailing);
    }

    /** The gRPC message while {@code proxy_on_grpc_receive} runs. */
    Optional<Body> grpcMessage() {
        return callouts.grpcMessage();
    }

    /** The call response's headers or trailers while {@code proxy_on_http_call_response} runs. */
    Optional<Headers> callResponseMap(boolean trailers) {
        return callouts.responseMap(trailers);
    }

    /** The call response's body while {@code proxy_on_http_call_response} runs. */
    Optional<Body> callResponseBody() {
        return callouts.responseBody();
    }

    /** {@code proxy_get_status}: 0 after an HTTP response, 11 (BrokenConnection) after a failed call, the gRPC status after a close. */
    public int calloutStatusCode() {
        return callouts.statusCode();
    }

    /** {@code proxy_get_status}'s message: empty after a response, the reason after a failed call. */
    public byte[] calloutStatusMessage() {
        return callouts.statusMessage();
    }

    Callouts callouts() {
        return callouts;
    }

    void shutdown() {
        if (vm.call(this, Callback.ON_DONE, id()) != 0) {
            delete();
        } else {
            pendingDone = true;
        }
    }

    @Override
    public WasmResult done() {
        if (!pendingDone) {
            return WasmResult.NOT_FOUND;
        }
        pendingDone = false;
        vm.defer(this::delete);
        return WasmResult.OK;
    }

    /** {@code true} while the guest owes a {@code proxy_done} for this root. */
    public boolean pendingDone() {
        return pendingDone;
    }

    private void delete() {
        vm.call(this, Callback.ON_DELETE, id());
        vm.unregister(this);
    }
}
