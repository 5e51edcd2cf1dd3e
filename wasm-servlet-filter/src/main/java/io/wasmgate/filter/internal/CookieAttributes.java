package io.wasmgate.filter.internal;

import jakarta.servlet.http.Cookie;
import java.util.Map;

/**
 * A cookie's {@code Set-Cookie} attributes by name. The one Servlet 6 API the filter uses
 * ({@code Cookie.getAttributes()}): wasm-servlet-filter-javax has its own version of this class, built from
 * the Servlet 4 getters, and generates every other class from this module's sources.
 */
final class CookieAttributes {
    private CookieAttributes() {}

    static Map<String, String> of(Cookie cookie) {
        return cookie.getAttributes();
    }
}
