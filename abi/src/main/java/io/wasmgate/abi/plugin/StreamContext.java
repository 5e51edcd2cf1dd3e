package io.wasmgate.abi.plugin;

import io.wasmgate.abi.config.FailurePolicy;
import io.wasmgate.abi.spi.Body;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.spi.HttpExchange;
import io.wasmgate.abi.spi.LocalReply;
import io.wasmgate.abi.wire.FilterDataStatus;
import io.wasmgate.abi.wire.FilterHeadersStatus;
import io.wasmgate.abi.wire.FilterTrailersStatus;
import java.util.Optional;

/**
 * One HTTP stream through one plugin, as {@link Plugin#newStream} hands it to an integration: the callback
 * sequence of the proxy-wasm spec, driven by the integration.
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
 *
 * <p>This is the integration's side only; what the plugin's hostcalls act on (continue, close, local
 * reply, header maps) is internal to the host.
 */
public interface StreamContext {
    /** The context id the plugin knows this stream by. */
    int id();

    /** {@code proxy_on_request_headers}; {@code headers} stays the live map the plugin edits. */
    FilterHeadersStatus onRequestHeaders(Headers headers, boolean endOfStream);

    /**
     * {@code proxy_on_request_body} with {@code chunk} appended to what the plugin holds. The stream may
     * keep {@code chunk} itself rather than a copy ({@link Body#wrap}), so the caller must not change it
     * afterwards.
     */
    FilterDataStatus onRequestBody(byte[] chunk, boolean endOfStream);

    /** {@code proxy_on_request_trailers}. */
    FilterTrailersStatus onRequestTrailers(Headers trailers);

    /** {@code proxy_on_response_headers}; {@code headers} carries {@code :status} and stays live. */
    FilterHeadersStatus onResponseHeaders(Headers headers, boolean endOfStream);

    /**
     * {@code proxy_on_response_body} with {@code chunk} appended to what the plugin holds. The stream may
     * keep {@code chunk} itself rather than a copy ({@link Body#wrap}), so the caller must not change it
     * afterwards.
     */
    FilterDataStatus onResponseBody(byte[] chunk, boolean endOfStream);

    /** {@code proxy_on_response_trailers}. */
    FilterTrailersStatus onResponseTrailers(Headers trailers);

    /**
     * {@code proxy_on_log}, once the response is complete, also after local replies and client aborts.
     * A stream whose plugin never saw headers is created first, as Envoy does for its access log.
     */
    void onLog();

    /**
     * {@code proxy_on_log} for a plugin that saw none of the stream, such as a log-only plugin: the final
     * request and response headers are attached (read-only, as everything is in the access-log phase)
     * unless the plugin already has its own, so header hostcalls and {@code request.*} /
     * {@code response.*} properties answer as they would for a filter.
     */
    void onLog(Headers finalRequestHeaders, Headers finalResponseHeaders);

    /** {@code proxy_on_done} then {@code proxy_on_delete}; the stream is gone afterwards. */
    void onDone();

    /** The request body the plugin currently holds or just passed; forward it when the request continues. */
    Body requestBody();

    /** The response body the plugin currently holds or just passed; forward it when the response continues. */
    Body responseBody();

    /** Request trailers, including ones the plugin added from the last body callback. */
    Optional<Headers> requestTrailers();

    /** Response trailers, including ones the plugin added from the last body callback. */
    Optional<Headers> responseTrailers();

    /** {@code true} if the plugin failed and the stream was answered (or will be) per its policy. */
    boolean failed();
}
