package io.wasmgate.filter.javax.internal;

import java.util.Map;
import java.util.TreeMap;
import javax.servlet.http.Cookie;

/**
 * A cookie's {@code Set-Cookie} attributes by name, as Servlet 6's {@code Cookie.getAttributes()} holds
 * them (names ordered case-insensitively, flags as {@code "true"}), built from the Servlet 4 getters.
 * The javax variant's own version of this one class; the rest is generated.
 */
final class CookieAttributes {
    private CookieAttributes() {}

    static Map<String, String> of(Cookie cookie) {
        Map<String, String> attributes = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (cookie.getDomain() != null) {
            attributes.put("Domain", cookie.getDomain());
        }
        if (cookie.getMaxAge() != -1) {
            attributes.put("Max-Age", String.valueOf(cookie.getMaxAge()));
        }
        if (cookie.getPath() != null) {
            attributes.put("Path", cookie.getPath());
        }
        if (cookie.getSecure()) {
            attributes.put("Secure", "true");
        }
        if (cookie.isHttpOnly()) {
            attributes.put("HttpOnly", "true");
        }
        return attributes;
    }
}
