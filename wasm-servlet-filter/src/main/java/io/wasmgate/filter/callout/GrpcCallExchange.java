package io.wasmgate.filter.callout;

import io.wasmgate.abi.spi.GrpcCallRequest;
import io.wasmgate.abi.spi.GrpcListener;
import io.wasmgate.abi.spi.GrpcStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.client.AsyncRequestContent;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.Callback;

/**
 * One gRPC call in flight over HTTP/2: {@code POST /service/method} with the plugin's metadata, request
 * messages framed and streamed as the host sends them, and the response turned into listener events in
 * order: initial metadata, messages, trailing metadata, then exactly one close. A trailers-only response
 * (the server failed at once) has no initial metadata. After {@link #cancel()} nothing more is reported.
 *
 * <p>Metadata is what the server sent, names lower-case: initial metadata is the response headers without
 * the {@code :status} pseudo-header (which gRPC metadata cannot carry; {@code content-type} stays), trailing
 * metadata the trailers with {@code grpc-status} and {@code grpc-message} in them, as Envoy shows them to
 * plugins. The plugin's request metadata is sent as headers, except pseudo-headers, hop-by-hop headers and
 * those the client sets itself ({@code content-type}, {@code te}, {@code grpc-timeout}).
 */
final class GrpcCallExchange implements GrpcStream, Response.Listener {
    private static final String CONTENT_TYPE = "application/grpc";
    /** Request headers the client sets itself; a plugin's metadata with these names is not sent. */
    private static final Set<String> OWN_HEADERS = Set.of("content-type", "grpc-timeout");

    private final Request proxyToUpstream;
    private final AsyncRequestContent requestMessages = new AsyncRequestContent(CONTENT_TYPE);
    private final GrpcListener listener;
    private final GrpcFrameDecoder decoder = new GrpcFrameDecoder();
    private final AtomicBoolean closed = new AtomicBoolean();
    private boolean halfClosed;
    private boolean trailersOnly;
    private volatile boolean cancelled;

    private GrpcCallExchange(Request proxyToUpstream, GrpcListener listener) {
        this.proxyToUpstream = proxyToUpstream;
        this.listener = listener;
    }

    /**
     * Completes {@code proxyToUpstream} (an HTTP/2 request to the call's path, deadline already set) and
     * sends its headers; the messages follow through {@link #send}.
     *
     * @param deadline the call's deadline, sent as {@code grpc-timeout}; zero for none
     */
    static GrpcCallExchange open(Request proxyToUpstream, GrpcCallRequest call, Duration deadline, GrpcListener listener) {
        proxyToUpstream.method(HttpMethod.POST);
        proxyToUpstream.headers(headers -> {
            headers.put("content-type", CONTENT_TYPE);
            headers.put("te", "trailers");
            if (!deadline.isZero()) {
                headers.put("grpc-timeout", grpcTimeout(deadline));
            }
            HeaderFields.copy(call.initialMetadata(), headers, OWN_HEADERS);
        });
        GrpcCallExchange exchange = new GrpcCallExchange(proxyToUpstream, listener);
        proxyToUpstream.body(exchange.requestMessages).send(exchange);
        return exchange;
    }

    /** {@code grpc-timeout}: at most 8 digits and a unit; milliseconds while they fit, else seconds, else hours. */
    static String grpcTimeout(Duration deadline) {
        long millis = Math.max(1, deadline.toMillis());
        if (millis <= 99_999_999L) {
            return millis + "m";
        }
        long seconds = deadline.toSeconds();
        return seconds <= 99_999_999L ? seconds + "S" : Math.min(deadline.toHours(), 99_999_999L) + "H";
    }

    @Override
    public synchronized void send(byte[] message, boolean endOfStream) {
        if (halfClosed || cancelled) {
            return;
        }
        halfClosed = endOfStream;
        requestMessages.write(endOfStream, GrpcFrameDecoder.frame(message), Callback.NOOP);
    }

    @Override
    public synchronized void halfClose() {
        if (!halfClosed) {
            halfClosed = true;
            requestMessages.close();
        }
    }

    /** Resets the HTTP/2 stream; the listener hears nothing more. */
    @Override
    public void cancel() {
        cancelled = true;
        proxyToUpstream.abort(new CancellationException("gRPC call cancelled by the host"));
    }

    @Override
    public void onHeaders(Response upstreamToProxy) {
        HttpFields headers = upstreamToProxy.getHeaders();
        trailersOnly = headers.contains("grpc-status");
        if (trailersOnly || cancelled) {
            return;
        }
        if (upstreamToProxy.getStatus() != 200) {
            upstreamToProxy.abort(new GrpcProtocolException(GrpcStatusMapping.fromHttpStatus(upstreamToProxy.getStatus())));
            return;
        }
        String contentType = headers.get("content-type");
        if (contentType == null || !contentType.startsWith(CONTENT_TYPE)) {
            upstreamToProxy.abort(new GrpcProtocolException(
                    new GrpcStatus(GrpcStatus.UNKNOWN, "invalid content-type '" + contentType + "'")));
            return;
        }
        listener.onInitialMetadata(HeaderFields.toPairs(headers));
    }

    @Override
    public void onContent(Response upstreamToProxy, ByteBuffer content) {
        try {
            for (byte[] message : decoder.decode(content)) {
                if (cancelled) {
                    return;
                }
                listener.onMessage(message);
            }
        } catch (GrpcProtocolException e) {
            upstreamToProxy.abort(e);
        }
    }

    /**
     * The response ended well: report its status now, even if the request side is still open (the server
     * may answer before the host half-closes), then stop sending.
     */
    @Override
    public void onSuccess(Response upstreamToProxy) {
        HttpFields trailers = trailersOnly ? upstreamToProxy.getHeaders() : upstreamToProxy.getTrailers();
        if (decoder.inFrame()) {
            close(new GrpcStatus(GrpcStatus.INTERNAL, "response ended inside a message"), null);
        } else {
            close(GrpcStatusMapping.fromTrailers(trailers), trailers);
        }
        halfClose();
    }

    @Override
    public void onComplete(Result result) {
        if (result.isFailed()) {
            close(GrpcStatusMapping.fromFailure(result.getFailure()), null);
        }
    }

    private void close(GrpcStatus status, HttpFields trailers) {
        if (cancelled || !closed.compareAndSet(false, true)) {
            return;
        }
        if (trailers != null) {
            listener.onTrailingMetadata(HeaderFields.toPairs(trailers));
        }
        listener.onClose(status.code(), status.message());
    }
}
