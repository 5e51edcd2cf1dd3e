package io.wasmgate.filter.callout;

import io.wasmgate.abi.spi.Cancellable;
import io.wasmgate.abi.spi.HttpCallListener;
import io.wasmgate.abi.spi.HttpCallRequest;
import io.wasmgate.abi.spi.HttpCallResponse;
import io.wasmgate.abi.wire.HeaderField;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpFields;

/**
 * One {@code proxy_http_call} in flight: the upstream request built from the plugin's headers, body and
 * trailers, the response gathered in memory, and exactly one report to the listener unless the host
 * cancels first (then none). The response reaches the plugin as Envoy gives it: {@code :status} first,
 * then the headers with lower-case names, the body, and the trailers (empty if there were none).
 */
final class HttpCallExchange implements Response.Listener, Cancellable {
    /** The largest response body handed to a plugin; a larger one fails the call with "response too large". */
    static final int MAX_RESPONSE_BODY = 16 * 1024 * 1024;

    private final Request proxyToUpstream;
    private final HttpCallListener listener;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private volatile boolean cancelled;

    private HttpCallExchange(Request proxyToUpstream, HttpCallListener listener) {
        this.proxyToUpstream = proxyToUpstream;
        this.listener = listener;
    }

    /**
     * Completes {@code proxyToUpstream} (cluster, authority, path and deadlines already set) from the plugin's
     * call and sends it: {@code :method}, the other headers as given (pseudo-headers and hop-by-hop headers
     * aside), the body with its content-length, and the trailers.
     */
    static HttpCallExchange send(Request proxyToUpstream, HttpCallRequest call, HttpCallListener listener) {
        proxyToUpstream.method(call.header(":method").orElseThrow());
        proxyToUpstream.headers(headers -> HeaderFields.copy(call.headers(), headers, Set.of()));
        if (call.body().length > 0) {
            proxyToUpstream.body(new BytesRequestContent((String) null, call.body()));
        }
        HttpFields trailers = HeaderFields.trailers(call.trailers());
        if (trailers != null) {
            proxyToUpstream.trailersSupplier(() -> trailers);
        }
        HttpCallExchange exchange = new HttpCallExchange(proxyToUpstream, listener);
        proxyToUpstream.send(exchange);
        return exchange;
    }

    @Override
    public void onContent(Response upstreamToProxy, ByteBuffer content) {
        if (body.size() + (long) content.remaining() > MAX_RESPONSE_BODY) {
            upstreamToProxy.abort(new ResponseTooLargeException(MAX_RESPONSE_BODY));
            return;
        }
        byte[] chunk = new byte[content.remaining()];
        content.get(chunk);
        body.writeBytes(chunk);
    }

    @Override
    public void onComplete(Result result) {
        if (cancelled) {
            return;
        }
        if (result.isFailed()) {
            listener.onFailure(UpstreamFailure.of(result.getFailure()).reason());
            return;
        }
        Response upstreamToProxy = result.getResponse();
        List<HeaderField> headers = new ArrayList<>();
        headers.add(new HeaderField(":status", Integer.toString(upstreamToProxy.getStatus())));
        headers.addAll(HeaderFields.toPairs(upstreamToProxy.getHeaders()));
        listener.onResponse(new HttpCallResponse(headers, body.toByteArray(), HeaderFields.toPairs(upstreamToProxy.getTrailers())));
    }

    /** Aborts the upstream request; the listener hears nothing more. */
    @Override
    public void cancel() {
        cancelled = true;
        proxyToUpstream.abort(new CancellationException("callout cancelled by the host"));
    }
}
