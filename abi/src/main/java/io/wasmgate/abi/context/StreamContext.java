package io.wasmgate.abi.context;

import io.wasmgate.abi.PluginTrapException;
import io.wasmgate.abi.config.FailurePolicy;
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
 * One HTTP stream through one plugin: the callback sequence of the proxy-wasm spec, driven by an integration.
 *
 * <p>The integration calls, in order: {@link #onRequestHeaders}, {@link #onRequestBody} per chunk,
 * {@link #onRequestTrailers} if any, the three response equivalents, {@link #onLog} once the response is
 * complete, and {@link #onDone}. Each returns what the integration must do (forward or hold); effects the
 * plugin asks for (continue, close, local reply) arrive through the {@link HttpExchange} after the VM
 * call returns and the VM lock is released. While a direction is held the integration must not deliver
 * further data in it; the body then accumulates in {@link #requestBody()} / {@link #responseBody()},
 * which is what it forwards on continue.
 *
 * <p>A trap applies the plugin's {@link FailurePolicy} once: fail-open skips the plugin for the rest of
 * the stream; otherwise the exchange receives {@link LocalReply#failStream()} and no further callback
 * reaches the VM.
 */
public final class StreamContext extends ContextBase {
    private final HttpExchange exchange;
    /** Values of {@code proxy_set_property}; created on first use, as most streams never set one. */
    private Map<String, byte[]> storedProperties = Map.of();
    /**
     * Created on first use ({@link #requestBody()}), as most streams carry no body; volatile because the
     * integration may read it outside the VM lock, so it must never see a half-built body.
     */
    private volatile Body requestBody;
    /** Created on first use ({@link #responseBody()}). */
    private volatile Body responseBody;
    private Headers requestHeaders;
    private Headers requestTrailers;
    private Headers responseHeaders;
    private Headers responseTrailers;
    private Callback running;
    private boolean created;
    private boolean finished;
    private boolean skipped;
    private boolean failed;
    private boolean localReplyInCallback;
    private boolean requestHeld;
    private boolean responseHeld;
    private boolean requestHeadersReleased;
    private boolean responseHeadersReleased;
    private boolean requestBodyHeld;
    private boolean responseBodyHeld;
    private boolean endOfStreamInCallback;
    private boolean requestContinuedEarly;
    private boolean responseContinuedEarly;
    private boolean rejected;

    StreamContext(ProxyWasmVm vm, int id, HttpExchange exchange) {
        super(vm, id);
        this.exchange = exchange;
    }

    @Override
    public RootContext root() {
        return vm.root();
    }

    /** {@code proxy_on_request_headers}; {@code headers} stays the live map the plugin edits. */
    public FilterHeadersStatus onRequestHeaders(Headers headers, boolean endOfStream) {
        return locked(() -> {
            requestHeaders = headers;
            long raw = invokeHeaders(Callback.ON_REQUEST_HEADERS, headers.size(), endOfStream);
            FilterHeadersStatus status = consumeEarlyContinue(true, convertHeaders(raw), FilterHeadersStatus.CONTINUE);
            requestHeld = status.stops();
            requestHeadersReleased = !requestHeld;
            return status;
        });
    }

    /**
     * {@code proxy_on_request_body} with {@code chunk} appended to what the plugin holds. The stream may
     * keep {@code chunk} itself rather than a copy ({@link Body#wrap}), so the caller must not change it
     * afterwards.
     */
    public FilterDataStatus onRequestBody(byte[] chunk, boolean endOfStream) {
        return locked(() -> {
            Body body = requestBody();
            if (!requestBodyHeld) {
                body.wrap(chunk);
            } else if (overBufferLimit(body, chunk)) {
                return reject(413, "request");
            } else {
                body.append(chunk);
            }
            long raw = invokeBody(Callback.ON_REQUEST_BODY, body.length(), endOfStream);
            FilterDataStatus status = consumeEarlyContinue(true, convertData(raw), FilterDataStatus.CONTINUE);
            requestBodyHeld = status.stops();
            requestHeld = status.stops();
            return status;
        });
    }

    /** {@code proxy_on_request_trailers}. */
    public FilterTrailersStatus onRequestTrailers(Headers trailers) {
        return locked(() -> {
            requestTrailers = trailers;
            FilterTrailersStatus status = consumeEarlyContinue(true,
                    convertTrailers(invoke(Callback.ON_REQUEST_TRAILERS, id(), trailers.size())), FilterTrailersStatus.CONTINUE);
            requestHeld = status.stops();
            return status;
        });
    }

    /** {@code proxy_on_response_headers}; {@code headers} carries {@code :status} and stays live. */
    public FilterHeadersStatus onResponseHeaders(Headers headers, boolean endOfStream) {
        return locked(() -> {
            responseHeaders = headers;
            long raw = invokeHeaders(Callback.ON_RESPONSE_HEADERS, headers.size(), endOfStream);
            FilterHeadersStatus status = consumeEarlyContinue(false, convertHeaders(raw), FilterHeadersStatus.CONTINUE);
            responseHeld = status.stops();
            responseHeadersReleased = !responseHeld;
            return status;
        });
    }

    /**
     * {@code proxy_on_response_body} with {@code chunk} appended to what the plugin holds. The stream may
     * keep {@code chunk} itself rather than a copy ({@link Body#wrap}), so the caller must not change it
     * afterwards.
     */
    public FilterDataStatus onResponseBody(byte[] chunk, boolean endOfStream) {
        return locked(() -> {
            Body body = responseBody();
            if (!responseBodyHeld) {
                body.wrap(chunk);
            } else if (overBufferLimit(body, chunk)) {
                return reject(502, "response");
            } else {
                body.append(chunk);
            }
            long raw = invokeBody(Callback.ON_RESPONSE_BODY, body.length(), endOfStream);
            FilterDataStatus status = consumeEarlyContinue(false, convertData(raw), FilterDataStatus.CONTINUE);
            responseBodyHeld = status.stops();
            responseHeld = status.stops();
            return status;
        });
    }

    /** {@code proxy_on_response_trailers}. */
    public FilterTrailersStatus onResponseTrailers(Headers trailers) {
        return locked(() -> {
            responseTrailers = trailers;
            FilterTrailersStatus status = consumeEarlyContinue(false,
                    convertTrailers(invoke(Callback.ON_RESPONSE_TRAILERS, id(), trailers.size())), FilterTrailersStatus.CONTINUE);
            responseHeld = status.stops();
            return status;
        });
    }

    /**
     * {@code proxy_on_log}, once the response is complete, also after local replies and client aborts.
     * A stream whose plugin never saw headers is created first, as Envoy does for its access log.
     */
    public void onLog() {
        locked(() -> {
            invoke(Callback.ON_LOG, id());
            return null;
        });
    }

    /**
     * {@code proxy_on_log} for a plugin that saw none of the stream, such as a log-only plugin: the final
     * request and response headers are attached (read-only, as everything is in the access-log phase)
     * unless the plugin already has its own, so header hostcalls and {@code request.*} /
     * {@code response.*} properties answer as they would for a filter.
     */
    public void onLog(Headers finalRequestHeaders, Headers finalResponseHeaders) {
        locked(() -> {
            if (requestHeaders == null) {
                requestHeaders = finalRequestHeaders;
                requestHeadersReleased = true;
            }
            if (responseHeaders == null) {
                responseHeaders = finalResponseHeaders;
                responseHeadersReleased = true;
            }
            return null;
        });
        onLog();
    }

    /** {@code proxy_on_done} then {@code proxy_on_delete}; the stream is gone afterwards. */
    public void onDone() {
        locked(() -> {
            root().callouts().cancelFrom(id());
            if (created && !finished) {
                invoke(Callback.ON_DONE, id());
                invoke(Callback.ON_DELETE, id());
            }
            finished = true;
            vm.unregister(this);
            return null;
        });
    }

    /** The request body the plugin currently holds or just passed; forward it when the request continues. */
    public Body requestBody() {
        Body body = requestBody;
        return body != null ? body : createBody(true);
    }

    /** The response body the plugin currently holds or just passed; forward it when the response continues. */
    public Body responseBody() {
        Body body = responseBody;
        return body != null ? body : createBody(false);
    }

    /** Under the VM lock, so a hostcall and the integration never create two bodies for one direction. */
    private Body createBody(boolean request) {
        return locked(() -> {
            if (request && requestBody == null) {
                requestBody = new Body();
            } else if (!request && responseBody == null) {
                responseBody = new Body();
            }
            return request ? requestBody : responseBody;
        });
    }

    /** Request trailers, including ones the plugin added from the last body callback. */
    public Optional<Headers> requestTrailers() {
        return Optional.ofNullable(requestTrailers);
    }

    /** Response trailers, including ones the plugin added from the last body callback. */
    public Optional<Headers> responseTrailers() {
        return Optional.ofNullable(responseTrailers);
    }

    /** {@code true} if the plugin failed and the stream was answered (or will be) per its policy. */
    public boolean failed() {
        return failed;
    }

    private long invokeBody(Callback callback, int size, boolean endOfStream) {
        endOfStreamInCallback = endOfStream;
        try {
            return invoke(callback, id(), size, flag(endOfStream));
        } finally {
            endOfStreamInCallback = false;
        }
    }

    /**
     * A plugin that continued a direction from inside the callback that then returned a stop has, in
     * effect, not stopped: the deferred continue ran before the stop was known, so it is honoured here.
     */
    private <S extends Enum<S>> S consumeEarlyContinue(boolean request, S status, S proceed) {
        boolean early = request ? requestContinuedEarly : responseContinuedEarly;
        requestContinuedEarly = false;
        responseContinuedEarly = false;
        return early && status != proceed && !failed && !localReplyInCallback ? proceed : status;
    }

    private boolean overBufferLimit(Body held, byte[] chunk) {
        return held.length() + (long) chunk.length > vm.config().limits().maxBufferedBody();
    }

    /** Answers a stream whose held body outgrew {@code limits.max_buffered_body}; the VM stays healthy. */
    private FilterDataStatus reject(int status, String direction) {
        if (!rejected) {
            rejected = true;
            vm.log(LogLevel.WARN, "stream " + id() + ": " + direction + " body held by the plugin exceeds limits.max_buffered_body ("
                    + vm.config().limits().maxBufferedBody() + " bytes); answering " + status);
            LocalReply reply = new LocalReply(status, "wasm_buffer_limit", new byte[0], List.of(), OptionalInt.empty());
            vm.afterUnlock(() -> exchange.sendLocalReply(reply));
        }
        return FilterDataStatus.STOP_ITERATION_NO_BUFFER;
    }

    private long invokeHeaders(Callback callback, int count, boolean endOfStream) {
        return vm.abiVersion().atLeast020()
                ? invoke(callback, id(), count, flag(endOfStream))
                : invoke(callback, id(), count);
    }

    /**
     * Calls the guest unless the plugin is skipped or failed for this stream; returns 0 (Continue) when
     * skipped, -1 (a stop) when the stream has failed closed.
     */
    private long invoke(Callback callback, long... args) {
        if (skipped || finished) {
            return 0;
        }
        if (failed) {
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
        if (!created) {
            vm.register(this);
            created = true;
            vm.call(this, Callback.ON_CONTEXT_CREATE, id(), root().id());
        }
    }

    /**
     * Applies the failure policy once. A failure in the finishing callbacks (log, done, delete) answers
     * nothing: the response is complete by then.
     */
    private long onFailure(Callback callback) {
        if (vm.config().failurePolicy() == FailurePolicy.FAIL_OPEN) {
            skipped = true;
            vm.hostMetrics().failurePolicyApplied(HostMetrics.Outcome.FAIL_OPEN);
            return 0;
        }
        failed = true;
        vm.hostMetrics().failurePolicyApplied(HostMetrics.Outcome.FAIL_CLOSED);
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
        if (running != null || skipped || failed || finished || !(requestHeld || responseHeld)) {
            return;
        }
        if (vm.config().failurePolicy() == FailurePolicy.FAIL_OPEN) {
            skipped = true;
            vm.hostMetrics().failurePolicyApplied(HostMetrics.Outcome.FAIL_OPEN);
            if (requestHeld) {
                resume(StreamType.HTTP_REQUEST);
            }
            if (responseHeld) {
                resume(StreamType.HTTP_RESPONSE);
            }
            return;
        }
        failed = true;
        vm.hostMetrics().failurePolicyApplied(HostMetrics.Outcome.FAIL_CLOSED);
        vm.afterUnlock(() -> exchange.sendLocalReply(LocalReply.failStream()));
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
            case HTTP_REQUEST_HEADERS -> Optional.ofNullable(requestHeaders);
            case HTTP_REQUEST_TRAILERS -> Optional.ofNullable(requestTrailers);
            case HTTP_RESPONSE_HEADERS -> Optional.ofNullable(responseHeaders);
            case HTTP_RESPONSE_TRAILERS -> Optional.ofNullable(responseTrailers);
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
            case HTTP_REQUEST_HEADERS -> requestHeadersReleased ? Optional.empty() : Optional.ofNullable(requestHeaders);
            case HTTP_RESPONSE_HEADERS -> responseHeadersReleased ? Optional.empty() : Optional.ofNullable(responseHeaders);
            case HTTP_REQUEST_TRAILERS -> requestTrailers != null ? Optional.of(requestTrailers) : addTrailers(true);
            case HTTP_RESPONSE_TRAILERS -> responseTrailers != null ? Optional.of(responseTrailers) : addTrailers(false);
            default -> Optional.empty();
        };
    }

    private Optional<Headers> addTrailers(boolean request) {
        if (!endOfStreamInCallback || running != (request ? Callback.ON_REQUEST_BODY : Callback.ON_RESPONSE_BODY)) {
            return Optional.empty();
        }
        Headers added = new Headers();
        if (request) {
            requestTrailers = added;
        } else {
            responseTrailers = added;
        }
        return Optional.of(added);
    }

    @Override
    public boolean accessLogPhase() {
        return running == Callback.ON_LOG;
    }

    @Override
    public Optional<Body> buffer(BufferType type) {
        return switch (type) {
            case HTTP_REQUEST_BODY -> Optional.of(requestBody());
            case HTTP_RESPONSE_BODY -> Optional.of(responseBody());
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
        if (name.startsWith("request.") && requestHeaders != null) {
            return Attributes.request(name, requestHeaders);
        }
        if (name.startsWith("response.") && responseHeaders != null) {
            return Attributes.response(name, responseHeaders, responseTrailers == null ? new Headers() : responseTrailers);
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
        vm.defer(() -> resume(type));
        return WasmResult.OK;
    }

    private void resume(StreamType type) {
        boolean request = type == StreamType.HTTP_REQUEST;
        if (request ? !requestHeld : !responseHeld) {
            if (running != null) {
                if (request) {
                    requestContinuedEarly = true;
                } else {
                    responseContinuedEarly = true;
                }
            }
            return;
        }
        if (request) {
            requestHeld = false;
            requestHeadersReleased = true;
            requestBodyHeld = false;
        } else {
            responseHeld = false;
            responseHeadersReleased = true;
            responseBodyHeld = false;
        }
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
