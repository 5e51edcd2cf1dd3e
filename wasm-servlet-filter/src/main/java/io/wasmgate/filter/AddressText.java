package io.wasmgate.filter;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A client's or server's IP address as Envoy writes it, from the form a container gives: IPv4 as it is,
 * IPv6 in its RFC 5952 text (lower case, no leading zeros, the longest run of zero groups as {@code ::}).
 * Containers write IPv6 addresses their own ways (Jetty {@code [0:0:0:0:0:0:0:1]}, Tomcat
 * {@code 0:0:0:0:0:0:0:1}), which a policy or an upstream comparing them with a listed {@code ::1} would
 * never match. The filter writes {@code source.address} and {@code destination.address} with it; an
 * integration writes the headers it adds ({@code X-Forwarded-For}, {@code Forwarded}) with it.
 */
public final class AddressText {
    private AddressText() {}

    /** The address alone: {@code 10.0.0.1}, {@code ::1} ({@code null} for {@code null}). */
    public static String ip(String containerAddress) {
        if (containerAddress == null) {
            return null;
        }
        String bare = containerAddress.startsWith("[") && containerAddress.endsWith("]")
                ? containerAddress.substring(1, containerAddress.length() - 1) : containerAddress;
        if (bare.indexOf(':') < 0) {
            return bare;
        }
        int scope = bare.indexOf('%');
        return scope < 0 ? canonical(bare) : canonical(bare.substring(0, scope)) + bare.substring(scope);
    }

    /** The address as a URI's host: {@code 10.0.0.1}, {@code [::1]} ({@code null} for {@code null}). */
    public static String host(String containerAddress) {
        String ip = ip(containerAddress);
        return ip == null || ip.indexOf(':') < 0 ? ip : "[" + ip + "]";
    }

    /** The address and a port, as in Envoy's {@code source.address}: {@code 10.0.0.1:443}, {@code [::1]:443}. */
    public static String withPort(String containerAddress, int port) {
        return host(containerAddress) + ":" + port;
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
