package io.wasmgate.gateway.proxy;

import java.util.List;
import java.util.stream.Collectors;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;

/**
 * A request header each proxy on the way appends itself to ({@code Forwarded}, {@code Via}): the values of
 * the fields the client sent, verbatim, then this hop's. Jetty's proxy splits the client's values as a
 * quoted list and joins them again, which drops quotes (a {@code Forwarded} element's
 * {@code for="[2001:db8::1]"}) and throws on a quote inside a {@code Via} comment, failing the request.
 */
final class HopChain {
    private HopChain() {}

    /** {@code header} with the values of the {@code sent} fields that are not blank, as sent, then {@code hop}. */
    static HttpField appended(HttpHeader header, List<HttpField> sent, String hop) {
        if (sent == null || sent.isEmpty()) {
            return new HttpField(header, hop);
        }
        String earlier = sent.stream()
                .map(HttpField::getValue)
                .filter(value -> value != null && !value.isBlank())
                .collect(Collectors.joining(", "));
        return new HttpField(header, earlier.isEmpty() ? hop : earlier + ", " + hop);
    }
}
