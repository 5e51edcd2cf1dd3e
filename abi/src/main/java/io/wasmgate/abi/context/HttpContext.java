package io.wasmgate.abi.context;

import io.wasmgate.abi.PluginTrapException;
import io.wasmgate.abi.config.FailurePolicy;
import io.wasmgate.abi.plugin.StreamContext;
import io.wasmgate.abi.services.HostMetrics;
import io.wasmgate.abi.spi.Body;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.spi.HttpExchange;
import io.wasmgate.abi.spi.LocalReply;
import io.wasmgate.abi.vm.Callback;
import io.wasmgate.abi.wire.BufferType;
import io.wasmgate.abi.wire.FilterDataStatus;
import io.wasmgate.abi.wire.FilterHeadersStatus;
import io.wasmgate.abi.wire.FilterTrailersStatus;
import io.wasmgate.abi.wire.LogLevel;
import io.wasmgate.abi.wire.MapType;
import io.wasmgate.abi.wire.PropertyValue;
import io.wasmgate.abi.wire.StreamType;
import io.wasmgate.abi.wire.WasmResult;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * One HTTP stream through one plugin: the integration drives it through {@link StreamContext} (see there for
 * the callback sequence and the failure policy), the plugin's hostcalls through the {@link ContextBase}
 * methods, which integrators do not see.
 */
public final class HttpContext extends ContextBase implements StreamContext {
    /** What the failure policy made of the plugin for this stream; set once, away from {@link #ACTIVE}. */
    private enum Health {
        ACTIVE,
        /** Failed open: every later callback is skipped as if it returned Continue. */
        SKIPPED,
        /** Failed closed: the stream was answered and every later callback stops. */
        FAILED
    }

    /** Whether the guest knows the context: created with the first callback, gone after {@link #onDone}. */
    private enum Phase {
        NEW,
        LIVE,
        DONE
    }

    /**
     * One direction's messages and how far the plugin let them through. {@link #held} covers a stop of any
     * of its callbacks, {@link #bodyHeld} only one of the body callback, which alone decides whether the
     * next chunk extends what the plugin holds. Written only under the VM lock; all but {@link #trailers}
     * and {@link #body} are also read only under it.
     */
    private static final class DirectionState {
        final StreamType type;
        final Callback headersCallback;
        final Callback bodyCallback;
        final Callback trailersCallback;
        /** The local reply's status when the held body outgrows the limit. */
        final int overLimitStatus;
        Headers headers;
        /**
         * Volatile, as is {@link #body}: the integration reads both without the VM lock, possibly on
         * another thread than the callback that set them (trailers the plugin added, a body created on
         * first use); the volatile write and read are its happens-before edge to that callback.
         */
        volatile Headers trailers;
        /** Created on first use, as most streams carry no body. */
        volatile Body body;
        /** A callback of this direction stopped and the plugin has not continued it since. */
        boolean held;
        /** The body callback stopped: the next chunk is appended to what the plugin holds. */
        boolean bodyHeld;
        /** The headers went on (the callback continued, or the plugin continued later), so they are read-only. */
        boolean headersReleased;
        /** The plugin continued this direction from inside the callback that then returned a stop. */
        boolean continuedEarly;

        DirectionState(StreamType type, Callback headersCallback, Callback bodyCallback, Callback trailersCallback, int overLimitStatus) {
            this.type = type;
            this.headersCallback = headersCallback;
            this.bodyCallback = bodyCallback;
            this.trailersCallback = trailersCallback;
            this.overLimitStatus = overLimitStatus;
        }

        String name() {
            return type == StreamType.HTTP_REQUEST ? "request" : "response";
        }
    }

    private final HttpExchange exchange;
    private final DirectionState request = new DirectionState(StreamType.HTTP_REQUEST,
            Callback.ON_REQUEST_HEADERS, Callback.ON_REQUEST_BODY, Callback.ON_REQUEST_TRAILERS, 413);
    private final DirectionState response = new DirectionState(StreamType.HTTP_RESPONSE,
            Callback.ON_RESPONSE_HEADERS, Callback.ON_RESPONSE_BODY, Callback.ON_RESPONSE_TRAILERS, 502);
    /** Values of {@code proxy_set_property}; created on first use, as most streams never set one. */
    private Map<String, byte[]> storedProperties = Map.of();
    private Callback running;
    private Phase phase = Phase.NEW;
    /**
     * Changed only under the VM lock; volatile because {@link #failed()} reads it without the lock, possibly
     * on another thread than the callback that failed.
     */
    private volatile Health health = Health.ACTIVE;
    private boolean localReplyInCallback;
    private boolean endOfStreamInCallback;
    private boolean rejected;

    HttpContext(ProxyWasmVm vm, int id, HttpExchange exchange) {
        super(vm, id);
        this.exchange = exchange;
    }

    @Override
    public RootContext root() {
        return vm.root();
    }

    @Override
    public FilterHeadersStatus onRequestHeaders(Headers headers, boolean endOfStream) {
        return onHeaders(request, headers, endOfStream);
    }

    @Override
    public FilterDataStatus onRequestBody(byte[] chunk, boolean endOfStream) {
        return onBody(request, chunk, endOfStream);
    }

    @Override
    public FilterTrailersStatus onRequestTrailers(Headers trailers) {
        return onTrailers(request, trailers);
    }

    @Override
    public FilterHeadersStatus onResponseHeaders(Headers headers, boolean endOfStream) {
        return onHeaders(response, headers, endOfStream);
    }

    @Override
    public FilterDataStatus onResponseBody(byte[] chunk, boolean endOfStream) {
        return onBody(response, chunk, endOfStream);
    }

    @Override
    public FilterTrailersStatus onResponseTrailers(Headers trailers) {
        return onTrailers(response, trailers);
    }

    private FilterHeadersStatus onHeaders(DirectionState direction, Headers headers, boolean endOfStream) {
        return locked(() -> {
            direction.headers = headers;
            long raw = vm.abiVersion().atLeast020()
                    ? invoke(direction.headersCallback, id(), headers.size(), flag(endOfStream))
                    : invoke(direction.headersCallback, id(), headers.size());
            FilterHeadersStatus status = consumeEarlyContinue(direction, convertHeaders(raw), FilterHeadersStatus.CONTINUE);
            direction.held = status.stops();
            direction.headersReleased = !direction.held;
            return status;
        });
    }

    private FilterDataStatus onBody(DirectionState direction, byte[] chunk, boolean endOfStream) {
        return locked(() -> {
            Body body = body(direction);
            if (!direction.bodyHeld) {
                body.wrap(chunk);
            } else if (overBufferLimit(body, chunk)) {
                return reject(direction);
            } else {
                body.append(chunk);
            }
            long raw;
            endOfStreamInCallback = endOfStream;
            try {
                raw = invoke(direction.bodyCallback, id(), body.length(), flag(endOfStream));
            } finally {
                endOfStreamInCallback = false;
            }
            FilterDataStatus status = consumeEarlyContinue(direction, convertData(raw), FilterDataStatus.CONTINUE);
            direction.bodyHeld = status.stops();
            direction.held = status.stops();
            return status;
        });
    }

    private FilterTrailersStatus onTrailers(DirectionState direction, Headers trailers) {
        return locked(() -> {
            direction.trailers = trailers;
            FilterTrailersStatus status = consumeEarlyContinue(direction,
                    convertTrailers(invoke(direction.trailersCallback, id(), trailers.size())), FilterTrailersStatus.CONTINUE);
            direction.held = status.stops();
            return status;
        });
    }

    @Override
    public void onLog() {
        locked(() -> {
            invoke(Callback.ON_LOG, id());
            return null;
        });
    }

    @Override
    public void onLog(Headers finalRequestHeaders, Headers finalResponseHeaders) {
        locked(() -> {
            attachFinalHeaders(request, finalRequestHeaders);
            attachFinalHeaders(response, finalResponseHeaders);
            return null;
        });
        onLog();
    }

    private static void attachFinalHeaders(DirectionState direction, Headers headers) {
        if (direction.headers == null) {
            direction.headers = headers;
            direction.headersReleased = true;
        }
    }

    @Override
    public void onDone() {
        locked(() -> {
            root().callouts().cancelFrom(id());
            if (phase == Phase.LIVE) {
                invoke(Callback.ON_DONE, id());
                invoke(Callback.ON_DELETE, id());
            }
            phase = Phase.DONE;
            vm.unregister(this);
            return null;
        });
    }

    @Override
    public Body requestBody() {
        return body(request);
    }

    @Override
    public Body responseBody() {
        return body(response);
    }

    private Body body(DirectionState direction) {
        Body body = direction.body;
        return body != null ? body : createBody(direction);
    }

    /** Under the VM lock, so a hostcall and the integration never create two bodies for one direction. */
    private Body createBody(DirectionState direction) {
        return locked(() -> {
            if (direction.body == null) {
                direction.body = new Body();
            }
            return direction.body;
        });
    }

    @Override
    public Optional<Headers> requestTrailers() {
        return Optional.ofNullable(request.trailers);
    }

    @Override
    public Optional<Headers> responseTrailers() {
        return Optional.ofNullable(response.trailers);
    }

    @Override
    public boolean failed() {
        return health == Health.FAILED;
    }

    /**
     * A plugin that continued a direction from inside the callback that then returned a stop has, in
     * effect, not stopped: the deferred continue ran before the stop was known, so it is honoured here.
     * A continue of the other direction, which was not held, is forgotten with it.
     */
    private <S extends Enum<S>> S consumeEarlyContinue(DirectionState direction, S status, S proceed) {
        boolean early = direction.continuedEarly;
        request.continuedEarly = false;
        response.continuedEarly = false;
        return early && status != proceed && health != Health.FAILED && !localReplyInCallback ? proceed : status;
    }

    private boolean overBufferLimit(Body held, byte[] chunk) {
        return held.length() + (long) chunk.length > vm.config().limits().maxBufferedBody();
    }

    /** Answers a stream whose held body outgrew {@code limits.max_buffered_body}; the VM stays healthy. */
    private FilterDataStatus reject(DirectionState direction) {
        if (!rejected) {
            rejected = true;
            vm.log(LogLevel.WARN, "stream " + id() + ": " + direction.name()
                    + " body held by the plugin exceeds limits.max_buffered_body ("
                    + vm.config().limits().maxBufferedBody() + " bytes); answering " + direction.overLimitStatus);
            LocalReply reply = new LocalReply(direction.overLimitStatus, "wasm_buffer_limit", new byte[0], List.of(),
                    OptionalInt.empty());
            vm.afterUnlock(() -> exchange.sendLocalReply(reply));
        }
        return FilterDataStatus.STOP_ITERATION_NO_BUFFER;
    }

    /**
     * Calls the guest unless the plugin is skipped or failed for this stream; returns 0 (Continue) when
     * skipped or after {@link #onDone}, -1 (a stop) when the stream has failed closed.
     */
    private long invoke(Callback callback, long... args) {
        Health now = health;
        if (now == Health.SKIPPED || phase == Phase.DONE) {
            return 0;
        }
        if (now == Health.FAILED) {
            return -1;
        }
        if (vm.failed()) {
            return onFailure(callback);
        }
        try {
            ensureCreated();
            running = callback;
            localReplyInCallback = false;
            return vm.call(this, callback, args);
        } catch (PluginTrapException e) {
            return onFailure(callback);
        } finally {
            running = null;
        }
    }

    private void ensureCreated() {
        if (phase == Phase.NEW) {
            vm.register(this);
            phase = Phase.LIVE;
            vm.call(this, Callback.ON_CONTEXT_CREATE, id(), root().id());
        }
    }

    /**
     * Applies the failure policy once. A failure in the finishing callbacks (log, done, delete) answers
     * nothing: the response is complete by then.
     */
    private long onFailure(Callback callback) {
        if (applyFailurePolicy()) {
            return 0;
        }
        if (callback != Callback.ON_LOG && callback != Callback.ON_DONE && callback != Callback.ON_DELETE) {
            vm.afterUnlock(() -> exchange.sendLocalReply(LocalReply.failStream()));
        }
        return -1;
    }

    /**
     * The VM failed while this stream was paused waiting for the plugin (a callout, a tick): it would
     * otherwise wait for its pause deadline. Fail-open releases what it held; fail-closed answers 503.
     */
    void onVmFailedWhilePaused() {
        if (running != null || health != Health.ACTIVE || phase == Phase.DONE || !(request.held || response.held)) {
            return;
        }
        if (!applyFailurePolicy()) {
            vm.afterUnlock(() -> exchange.sendLocalReply(LocalReply.failStream()));
            return;
        }
        for (DirectionState direction : List.of(request, response)) {
            if (direction.held) {
                resume(direction);
            }
        }
    }

    /** Moves the stream to the plugin's failure policy and counts it; {@code true} if that is fail-open. */
    private boolean applyFailurePolicy() {
        if (vm.config().failurePolicy() == FailurePolicy.FAIL_OPEN) {
            health = Health.SKIPPED;
            vm.hostMetrics().failurePolicyApplied(HostMetrics.Outcome.FAIL_OPEN);
            return true;
        }
        health = Health.FAILED;
        vm.hostMetrics().failurePolicyApplied(HostMetrics.Outcome.FAIL_CLOSED);
        return false;
    }

    private FilterHeadersStatus convertHeaders(long raw) {
        if (localReplyInCallback || raw == -1) {
            return FilterHeadersStatus.STOP_ALL_ITERATION_AND_WATERMARK;
        }
        return FilterHeadersStatus.fromGuest((int) raw, vm.config().allowOnHeadersStopIteration());
    }

    private FilterDataStatus convertData(long raw) {
        return localReplyInCallback || raw == -1 ? FilterDataStatus.STOP_ITERATION_NO_BUFFER : FilterDataStatus.fromGuest((int) raw);
    }

    private FilterTrailersStatus convertTrailers(long raw) {
        return localReplyInCallback || raw == -1 ? FilterTrailersStatus.STOP_ITERATION : FilterTrailersStatus.fromGuest((int) raw);
    }

    private <T> T locked(Supplier<T> body) {
        vm.lock().lock();
        try {
            return body.get();
        } finally {
            vm.lock().unlock();
        }
    }

    private static long flag(boolean value) {
        return value ? 1 : 0;
    }

    // ---- hostcall-facing state -------------------------------------------------------------------

    @Override
    public Optional<Headers> headerMap(MapType type) {
        return switch (type) {
            case HTTP_REQUEST_HEADERS -> Optional.ofNullable(request.headers);
            case HTTP_REQUEST_TRAILERS -> Optional.ofNullable(request.trailers);
            case HTTP_RESPONSE_HEADERS -> Optional.ofNullable(response.headers);
            case HTTP_RESPONSE_TRAILERS -> Optional.ofNullable(response.trailers);
            default -> super.headerMap(type);
        };
    }

    /**
     * The map if the plugin may change it now. Headers are writable until they were forwarded; trailers
     * while they are held, and a plugin may add trailers from the last body callback of a direction that
     * had none (Envoy's {@code addDecodedTrailers}). Nothing is writable in the access-log phase.
     */
    @Override
    public Optional<Headers> writableHeaderMap(MapType type) {
        if (running == Callback.ON_LOG) {
            return Optional.empty();
        }
        return switch (type) {
            case HTTP_REQUEST_HEADERS -> writableHeaders(request);
            case HTTP_RESPONSE_HEADERS -> writableHeaders(response);
            case HTTP_REQUEST_TRAILERS -> writableTrailers(request);
            case HTTP_RESPONSE_TRAILERS -> writableTrailers(response);
            default -> Optional.empty();
        };
    }

    private static Optional<Headers> writableHeaders(DirectionState direction) {
        return direction.headersReleased ? Optional.empty() : Optional.ofNullable(direction.headers);
    }

    private Optional<Headers> writableTrailers(DirectionState direction) {
        Headers trailers = direction.trailers;
        if (trailers != null) {
            return Optional.of(trailers);
        }
        if (!endOfStreamInCallback || running != direction.bodyCallback) {
            return Optional.empty();
        }
        Headers added = new Headers();
        direction.trailers = added;
        return Optional.of(added);
    }

    @Override
    public boolean accessLogPhase() {
        return running == Callback.ON_LOG;
    }

    @Override
    public Optional<Body> buffer(BufferType type) {
        return switch (type) {
            case HTTP_REQUEST_BODY -> Optional.of(body(request));
            case HTTP_RESPONSE_BODY -> Optional.of(body(response));
            default -> super.buffer(type);
        };
    }

    @Override
    public boolean bufferWritable(BufferType type) {
        return running != Callback.ON_LOG && (type == BufferType.HTTP_REQUEST_BODY || type == BufferType.HTTP_RESPONSE_BODY);
    }

    @Override
    public Optional<PropertyValue> property(List<String> path) {
        if (path.isEmpty()) {
            return Optional.empty();
        }
        Optional<PropertyValue> plugin = super.property(path);
        if (plugin.isPresent()) {
            return plugin;
        }
        String name = Attributes.name(path);
        Optional<PropertyValue> value = derived(name).or(() -> exchange.attribute(name));
        if (value.isEmpty()) {
            byte[] stored = storedProperties.get(String.join(".", path));
            return stored == null ? Optional.empty() : Optional.of(PropertyValue.ofBytes(stored));
        }
        int consumed = Attributes.nameLength(path);
        for (String segment : path.subList(consumed, path.size())) {
            value = value.flatMap(v -> v.child(segment));
        }
        return value;
    }

    private Optional<PropertyValue> derived(String name) {
        if (name.startsWith("request.") && request.headers != null) {
            return Attributes.request(name, request.headers);
        }
        if (name.startsWith("response.") && response.headers != null) {
            Headers trailers = response.trailers;
            return Attributes.response(name, response.headers, trailers == null ? new Headers() : trailers);
        }
        return Optional.empty();
    }

    /** Stores {@code value} for this stream (Envoy's filter state); later reads of the same path return it as bytes. */
    @Override
    public WasmResult setProperty(List<String> path, byte[] value) {
        if (path.isEmpty()) {
            return WasmResult.BAD_ARGUMENT;
        }
        if (storedProperties.isEmpty()) {
            storedProperties = new HashMap<>();
        }
        storedProperties.put(String.join(".", path), value.clone());
        return WasmResult.OK;
    }

    @Override
    public WasmResult continueStream(StreamType type) {
        if (type == StreamType.DOWNSTREAM || type == StreamType.UPSTREAM) {
            return WasmResult.UNIMPLEMENTED;
        }
        DirectionState direction = type == StreamType.HTTP_REQUEST ? request : response;
        vm.defer(() -> resume(direction));
        return WasmResult.OK;
    }

    private void resume(DirectionState direction) {
        if (!direction.held) {
            if (running != null) {
                direction.continuedEarly = true;
            }
            return;
        }
        direction.held = false;
        direction.headersReleased = true;
        direction.bodyHeld = false;
        StreamType type = direction.type;
        vm.afterUnlock(() -> exchange.continueStream(type));
    }

    @Override
    public WasmResult closeStream(StreamType type) {
        if (type == StreamType.DOWNSTREAM || type == StreamType.UPSTREAM) {
            return WasmResult.UNIMPLEMENTED;
        }
        vm.defer(() -> vm.afterUnlock(() -> exchange.closeStream(type)));
        return WasmResult.OK;
    }

    @Override
    public WasmResult sendLocalResponse(LocalReply reply) {
        localReplyInCallback = true;
        vm.defer(() -> vm.afterUnlock(() -> exchange.sendLocalReply(reply)));
        return WasmResult.OK;
    }
}
