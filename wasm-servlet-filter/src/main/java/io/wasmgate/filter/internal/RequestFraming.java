package io.wasmgate.filter.internal;

import io.wasmgate.abi.spi.Headers;
import jakarta.servlet.http.HttpServletRequest;

/**
 * How the request body the application (or the proxy behind the filter) reads is framed: the host, not
 * the plugins, owns {@code Content-Length} and {@code Transfer-Encoding}, so what the receiver is told
 * always matches the bytes it gets. A plugin that may edit the body (it exports the request body
 * callback) makes the length unknown until the whole body has passed the plugins; a plugin that removes
 * {@code content-length} gets its body streamed chunked. A request without a body stays without one.
 */
final class RequestFraming {
    private final HttpServletRequest client;
    private final Headers headers;
    private final RequestBodyStream body;
    private final boolean editable;
    private final boolean clientHasBody;

    /**
     * @param client the container's request, as the client framed it
     * @param headers the request header map as the plugins leave it
     * @param editable {@code true} if a plugin in the chain sees (and so may change) the request body
     * @param clientHasBody {@code true} if the client sent (or may still send) a body
     */
    RequestFraming(HttpServletRequest client, Headers headers, RequestBodyStream body, boolean editable,
            boolean clientHasBody) {
        this.client = client;
        this.headers = headers;
        this.body = body;
        this.editable = editable;
        this.clientHasBody = clientHasBody;
    }

    /** {@code true} if a plugin in the chain sees the request body, and so may change its length. */
    boolean editable() {
        return editable;
    }

    /** The body's length as far as it is known now, or -1: then the body goes chunked (HTTP/1.1) or unsized (h2). */
    long length() {
        if (!clientHasBody) {
            return client.getContentLengthLong();
        }
        if (body.ended()) {
            return body.passedBytes();
        }
        if (!editable && headers.first("content-length").isPresent()) {
            return client.getContentLengthLong();
        }
        return -1;
    }

    /** {@code true} if the body is sent in chunks of unknown total length. */
    boolean chunked() {
        return clientHasBody && length() < 0;
    }
}
