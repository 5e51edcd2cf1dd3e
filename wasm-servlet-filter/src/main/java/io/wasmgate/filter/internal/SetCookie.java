package io.wasmgate.filter.internal;

import jakarta.servlet.http.Cookie;
import java.util.Map;

/** Renders a servlet {@link Cookie} as the {@code Set-Cookie} header value plugins see and clients get. */
final class SetCookie {
    private SetCookie() {}

    static String format(Cookie cookie) {
        StringBuilder header = new StringBuilder(cookie.getName()).append('=')
                .append(cookie.getValue() == null ? "" : cookie.getValue());
        for (Map.Entry<String, String> attribute : CookieAttributes.of(cookie).entrySet()) {
            String name = attribute.getKey();
            String value = attribute.getValue();
            boolean flag = name.equalsIgnoreCase("Secure") || name.equalsIgnoreCase("HttpOnly");
            if (flag && "true".equalsIgnoreCase(value)) {
                header.append("; ").append(name);
            } else if (!flag && value != null) {
                header.append("; ").append(name).append(value.isEmpty() ? "" : "=" + value);
            }
        }
        return header.toString();
    }
}
