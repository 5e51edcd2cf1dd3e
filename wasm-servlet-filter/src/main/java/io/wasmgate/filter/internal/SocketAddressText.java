package io.wasmgate.filter.internal;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IP address and port as Envoy writes them in {@code source.address} and {@code destination.address}:
 * {@code 10.0.0.1:443}, {@code [2001:db8::1]:443}, the IPv6 address in its RFC 5952 text (lower case, no
 * leading zeros, the longest run of zero groups as {@code ::}). Containers give IPv6 addresses in their own
 * forms (Jetty {@code [0:0:0:0:0:0:0:1]}, Tomcat {@code 0:0:0:0:0:0:0:1}), which a policy comparing the
 * address with a listed {@code ::1} would never match.
 */
final class SocketAddressText {
    private SocketAddressText() {}

    /** {@code ip} (as the container gives it, brackets or not) and {@code port} as Envoy writes them. */
    static String of(String ip, int port) {
        String bare = ip.startsWith("[") && ip.endsWith("]") ? ip.substring(1, ip.length() - 1) : ip;
        if (bare.indexOf(':') < 0) {
            return bare + ":" + port;
        }
        int scope = bare.indexOf('%');
        String literal = scope < 0 ? bare : bare.substring(0, scope);
        String suffix = scope < 0 ? "" : bare.substring(scope);
        return "[" + canonical(literal) + suffix + "]:" + port;
    }

    /** The RFC 5952 text of an IPv6 literal; the text as it is if it is not one. */
    private static String canonical(String literal) {
        if (!literal.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
            return literal;
        }
        InetAddress address;
        try {
            // Only hex digits, ':' and '.': the JDK parses it as a literal and never looks it up.
            address = InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            return literal;
        }
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] bytes = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (bytes[2 * i] & 0xFF) << 8 | (bytes[2 * i + 1] & 0xFF);
        }
        int runStart = -1;
        int runLength = 0;
        for (int i = 0; i < 8; i++) {
            int length = 0;
            while (i + length < 8 && groups[i + length] == 0) {
                length++;
            }
            if (length > runLength && length >= 2) {
                runStart = i;
                runLength = length;
            }
            i += length;
        }
        StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == runStart) {
                text.append(i == 0 ? "::" : ":");
                i += runLength - 1;
                continue;
            }
            text.append(Integer.toHexString(groups[i]));
            if (i < 7) {
                text.append(':');
            }
        }
        return text.toString();
    }
}
