package io.wasmgate.filter.internal;

import io.wasmgate.abi.spi.Headers;
import io.wasmgate.filter.HeaderFieldSource;
import io.wasmgate.filter.RequestAuthority;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;

/**
 * Presents a servlet request's headers as Envoy does: {@code :method}, {@code :path} (normalised, with the
 * query),
 * {@code :authority} and {@code :scheme} first, then every header with a lower-case name, repeated
 * headers as separate entries. {@code host} becomes {@code :authority}. A {@link HeaderFieldSource} request
 * gives its fields in the client's order; through the Servlet API a repeated header's values come together
 * at its first appearance. An HTTP/2 client's cookie fields are one {@code cookie} entry, joined with
 * {@code "; "} where the first stood, as Envoy gives them (RFC 9113 8.2.3): a policy that reads the cookie
 * header reads all of them, whichever field the client put each in.
 */
final class RequestHeadersAdapter {
    /**
     * The client's headers, read from the container once: the map the plugins get, and the container's
     * header names, lower-cased, in its order ({@code host} included), for an application that asks for
     * the names while the plugins left the map as it was.
     */
    record ClientHeaders(Headers map, List<String> names) {}

    private RequestHeadersAdapter() {}

    /** The headers of {@code request}, whose {@code :path} is {@code path} ({@link RequestPath}). */
    static ClientHeaders read(HttpServletRequest request, String path) {
        Headers headers = new Headers();
        List<String> lowerNames = new ArrayList<>();
        headers.add(":method", request.getMethod());
        headers.add(":path", path);
        headers.add(":authority", RequestAuthority.of(request));
        headers.add(":scheme", request.getScheme());
        forEachField(request, (lower, value) -> {
            if (!lowerNames.contains(lower)) {
                lowerNames.add(lower);
            }
            if (!lower.equals("host")) {
                headers.add(lower, value);
            }
        });
        if (request.getProtocol().startsWith("HTTP/2")) {
            List<String> cookies = headers.values("cookie");
            if (cookies.size() > 1) {
                headers.set("cookie", String.join("; ", cookies));
            }
        }
        return new ClientHeaders(headers, lowerNames);
    }

    /**
     * Calls {@code field} with each of the request's header fields, lower-case name and value: in one pass if
     * the request is a {@link HeaderFieldSource}, otherwise name by name through the Servlet API.
     */
    static void forEachField(HttpServletRequest request, BiConsumer<String, String> field) {
        if (request instanceof HeaderFieldSource source) {
            source.forEachHeaderField(field);
            return;
        }
        Enumeration<String> names = request.getHeaderNames();
        while (names.hasMoreElements()) {
            String name = names.nextElement();
            String lower = name.toLowerCase(Locale.ROOT);
            Enumeration<String> values = request.getHeaders(name);
            while (values.hasMoreElements()) {
                String value = values.nextElement();
                if (value != null) {
                    field.accept(lower, value);
                }
            }
        }
    }

    /**
     * {@code true} if the request has no body: a zero length, or (HTTP/1) no length and no chunked
     * transfer. HTTP/2 frames a body without either, so there a request without a length ends with its
     * headers only if the container already knows its input is finished and empty.
     */
    static boolean endsWithHeaders(HttpServletRequest request) {
        long length = request.getContentLengthLong();
        if (length >= 0) {
            return length == 0;
        }
        if (request.getHeader("transfer-encoding") != null) {
            return false;
        }
        if (request.getProtocol().startsWith("HTTP/1") || request.getProtocol().startsWith("HTTP/0")) {
            return true;
        }
        try {
            // A container may call its input finished as soon as the last frame arrived, unread: only an
            // input with nothing left to read ended with the headers.
            ServletInputStream input = request.getInputStream();
            return input.isFinished() && input.available() == 0;
        } catch (IOException | IllegalStateException e) {
            return false;
        }
    }

}
