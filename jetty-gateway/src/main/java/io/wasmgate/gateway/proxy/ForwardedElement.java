package io.wasmgate.gateway.proxy;

/**
 * The {@code Forwarded} header (RFC 7239) the proxy sends: the values of the {@code Forwarded} fields the
 * client sent, as sent, then one element for this hop,
 * {@code by=<local address>;for=<client address>;host=<authority>;proto=<scheme>}, the addresses and the
 * authority as quoted strings. The element is written as Jetty's proxy writes it, without the string
 * formatter and the synchronized quoting that made it a few percent of a proxied request's CPU; its
 * {@code host} is the authority the upstream gets in {@code Host} (for a request without one, the address it
 * reached, where Jetty writes {@code host=null}). The client's values are kept verbatim ({@link HopChain}).
 */
final class ForwardedElement {
    private ForwardedElement() {}

    /** This hop's element ({@code null} addresses are written {@code null}, as Jetty does). */
    static String of(String by, String forAddress, String host, String proto) {
        StringBuilder element = new StringBuilder(48 + host.length());
        quoted(element.append("by="), by);
        quoted(element.append(";for="), forAddress);
        quoted(element.append(";host="), host);
        return element.append(";proto=").append(proto).toString();
    }

    private static void quoted(StringBuilder out, String value) {
        if (value == null) {
            out.append("null");
            return;
        }
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        out.append('"');
    }
}
