package io.wasmgate.abi.context;

import io.wasmgate.abi.spi.Body;
import io.wasmgate.abi.spi.Cancellable;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.spi.HttpCallListener;
import io.wasmgate.abi.spi.HttpCallRequest;
import io.wasmgate.abi.spi.HttpCallResponse;
import io.wasmgate.abi.vm.Callback;
import io.wasmgate.abi.wire.WasmResult;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTP callouts of one root context (reference §2.5, §3.6): tokens ({@code 4, 8, 12, ...}, unique per
 * VM), the calls in flight and the context that made each, the response readable while
 * {@code proxy_on_http_call_response} runs, and what {@code proxy_get_status} reports.
 *
 * <p>Responses are delivered on the host scheduler under the VM lock. A call whose originating stream
 * ended is cancelled and its response dropped, so no callback ever reaches a deleted context.
 */
final class Callouts {
    /** {@code proxy_get_status} code for a call that got no response (Envoy's BrokenConnection). */
    static final int NO_RESPONSE = WasmResult.BROKEN_CONNECTION.code();

    private record Pending(int origin, Cancellable cancellable) {}

    private final ProxyWasmVm vm;
    private final Map<Integer, Pending> pending = new HashMap<>();
    private int lastToken;
    private Headers responseHeaders;
    private Headers responseTrailers;
    private Body responseBody;
    private int statusCode;
    private byte[] statusMessage = new byte[0];

    Callouts(ProxyWasmVm vm) {
        this.vm = vm;
    }

    /** Sends {@code request} for {@code origin} and returns its token. */
    int httpCall(HttpCallRequest request, ContextBase origin) {
        int token = nextToken();
        Cancellable cancellable = vm.services().calloutClient().httpCall(request, new HttpCallListener() {
            @Override
            public void onResponse(HttpCallResponse response) {
                vm.services().scheduler().execute(() -> vm.deliverHttpCallResult(token, response, null));
            }

            @Override
            public void onFailure(String reason) {
                vm.services().scheduler().execute(() -> vm.deliverHttpCallResult(token, null, reason));
            }
        });
        pending.put(token, new Pending(origin.id(), cancellable));
        return token;
    }

    private int nextToken() {
        do {
            lastToken = lastToken >= Integer.MAX_VALUE - 4 ? 4 : lastToken + 4;
        } while (pending.containsKey(lastToken));
        return lastToken;
    }

    /**
     * Runs {@code proxy_on_http_call_response} for {@code token} with the response (or failure) readable;
     * a token that was cancelled meanwhile is ignored.
     */
    void deliver(RootContext root, int token, HttpCallResponse response, String failure) {
        if (pending.remove(token) == null) {
            return;
        }
        if (response != null) {
            responseHeaders = Headers.of(response.headers());
            responseTrailers = Headers.of(response.trailers());
            responseBody = new Body();
            responseBody.append(response.body());
            statusCode = WasmResult.OK.code();
            statusMessage = new byte[0];
        } else {
            responseHeaders = new Headers();
            responseTrailers = new Headers();
            responseBody = new Body();
            statusCode = NO_RESPONSE;
            statusMessage = failure.getBytes(StandardCharsets.UTF_8);
        }
        try {
            vm.call(root, Callback.ON_HTTP_CALL_RESPONSE, root.id(), token, responseHeaders.size(),
                    responseBody.length(), responseTrailers.size());
        } finally {
            responseHeaders = null;
            responseTrailers = null;
            responseBody = null;
        }
    }

    /** Cancels the calls {@code contextId} made; their responses will never be delivered. */
    void cancelFrom(int contextId) {
        Iterator<Pending> calls = pending.values().iterator();
        while (calls.hasNext()) {
            Pending call = calls.next();
            if (call.origin() == contextId) {
                call.cancellable().cancel();
                calls.remove();
            }
        }
    }

    /** Cancels every call in flight. */
    void cancelAll() {
        for (Pending call : pending.values()) {
            call.cancellable().cancel();
        }
        pending.clear();
    }

    /** Number of calls in flight. */
    int inFlight() {
        return pending.size();
    }

    /** {@code HTTP_CALL_RESPONSE_HEADERS} / {@code _TRAILERS}: only while the response callback runs. */
    Optional<Headers> responseMap(boolean trailers) {
        return Optional.ofNullable(trailers ? responseTrailers : responseHeaders);
    }

    /** {@code HTTP_CALL_RESPONSE_BODY}: only while the response callback runs. */
    Optional<Body> responseBody() {
        return Optional.ofNullable(responseBody);
    }

    int statusCode() {
        return statusCode;
    }

    byte[] statusMessage() {
        return statusMessage.clone();
    }
}
