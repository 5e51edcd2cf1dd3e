package io.wasmgate.filter.internal;

import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.wire.HeaderField;
import io.wasmgate.filter.internal.Frame.DataFrame;
import io.wasmgate.filter.internal.Frame.HeadersFrame;
import io.wasmgate.filter.internal.Frame.TrailersFrame;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The end of the response flow: puts the headers the plugins let through on the container's response
 * and writes the body. Headers are committed with the first body bytes (or on a flush, or at the end),
 * so a body that arrives whole gets its exact {@code Content-Length}. A streamed body keeps the length the
 * response declares only while no plugin sees the response body (none can change its size); otherwise it
 * goes out chunked (HTTP/1.1) or unsized (HTTP/2), with the trailers the plugins let through. A streamed
 * body that does not match its declared length is reported by {@link #lengthMatches()}, and the run
 * resets the stream.
 */
final class ResponseSink implements Consumer<Frame> {
    private final HttpServletResponse client;
    private final boolean head;
    private final boolean editable;
    // Read by attribute look-ups on tick and callout threads: published to them.
    private volatile Headers headers;
    private Headers trailers;
    private boolean committed;
    private long declaredLength = -1;
    private volatile long written;

    /** @param editable {@code true} if a plugin sees the response body, and so may change its size */
    ResponseSink(HttpServletResponse client, boolean head, boolean editable) {
        this.client = client;
        this.head = head;
        this.editable = editable;
    }

    @Override
    public void accept(Frame frame) {
        if (frame instanceof HeadersFrame h) {
            headers = h.headers();
            if (h.endOfStream()) {
                commit(0);
            }
        } else if (frame instanceof DataFrame data) {
            if (!committed) {
                commit(data.endOfStream() ? data.bytes().length : -1);
            }
            write(data.bytes());
        } else {
            trailers = ((TrailersFrame) frame).trailers();
            if (!committed) {
                commit(-1);
            }
        }
    }

    /** Writes a complete response (a local reply) without passing it through the plugins. */
    void writeDirectly(Headers replyHeaders, byte[] body) {
        client.reset();
        headers = replyHeaders;
        commit(body.length);
        write(body);
    }

    /** Commits the headers if they passed the plugins, then flushes the container's response. */
    void flush() throws IOException {
        if (headers != null) {
            if (!committed) {
                commit(-1);
            }
            client.flushBuffer();
        }
    }

    /** {@code true} once status and headers went to the container. */
    boolean committed() {
        return committed || client.isCommitted();
    }

    /** {@code false} if a streamed body kept a declared length it did not match: the response is broken. */
    boolean lengthMatches() {
        return declaredLength < 0 || head || declaredLength == written;
    }

    /** The response headers as sent (with {@code :status}), or {@code null} if none were. */
    Headers headers() {
        return committed ? headers : null;
    }

    /** Body bytes written to the client. */
    long written() {
        return written;
    }

    private void commit(long exactLength) {
        committed = true;
        String statusText = null;
        String lengthText = null;
        List<HeaderField> fields = headers.fields();
        // Indexed: an iterator for every response is garbage the loop does not need.
        for (int i = 0; i < fields.size(); i++) {
            HeaderField field = fields.get(i);
            String name = field.name();
            if (name.equals(":status")) {
                statusText = statusText == null ? field.value() : statusText;
            } else if (name.equals("content-length")) {
                lengthText = lengthText == null ? field.value() : lengthText;
            } else if (!name.startsWith(":") && !name.equals("transfer-encoding")) {
                client.addHeader(name, field.value());
            }
        }
        int status = statusText == null ? 200 : status(statusText);
        client.setStatus(status);
        long declared = lengthText == null ? -1 : length(lengthText);
        if (status == HttpServletResponse.SC_NOT_MODIFIED) {
            notModified(declared);
            return;
        }
        if (status < 200 || status == 204) {
            return;
        }
        if (head) {
            if (declared >= 0) {
                client.setContentLengthLong(declared);
            }
        } else if (exactLength >= 0) {
            client.setContentLengthLong(exactLength);
        } else if (declared >= 0 && !editable) {
            declaredLength = declared;
            client.setContentLengthLong(declared);
        } else {
            offerTrailers();
        }
    }

    /**
     * A 304 keeps the length its headers declare (that of the 200 it stands for, RFC 9110 8.6) and gets none
     * otherwise: it is committed now, because a container completing an uncommitted empty response declares
     * {@code Content-Length: 0}, which a cache could take as the new length of what it holds.
     */
    private void notModified(long declared) {
        try {
            if (declared >= 0) {
                client.setContentLengthLong(declared);
            }
            client.flushBuffer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A chunked response can end with trailers: the container asks for them once the body is written. */
    private void offerTrailers() {
        try {
            client.setTrailerFields(() -> {
                Map<String, String> fields = new LinkedHashMap<>();
                if (trailers != null) {
                    trailers.fields().forEach(f -> fields.merge(f.name(), f.value(), (a, b) -> a + "," + b));
                }
                return fields;
            });
        } catch (IllegalStateException e) {
            // The protocol cannot carry trailers (HTTP/1.0, or a known length): they are dropped, as Envoy drops them.
        }
    }

    private void write(byte[] bytes) {
        if (bytes.length == 0) {
            return;
        }
        try {
            client.getOutputStream().write(bytes);
            written += bytes.length;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int status(String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            return 200;
        }
    }

    private static long length(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return -1L;
        }
    }
}
