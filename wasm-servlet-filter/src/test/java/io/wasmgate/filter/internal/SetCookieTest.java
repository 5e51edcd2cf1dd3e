package io.wasmgate.filter.internal;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.Test;

/** The {@code Set-Cookie} value of a cookie the application adds: the same text on every servlet API version. */
class SetCookieTest {
    @Test
    void aCookieIsRenderedWithItsAttributesInNameOrder() {
        Cookie cookie = new Cookie("session", "42");
        cookie.setPath("/app");
        cookie.setDomain("Example.com");
        cookie.setMaxAge(60);
        cookie.setSecure(true);
        cookie.setHttpOnly(true);

        assertThat(SetCookie.format(cookie))
                .isEqualTo("session=42; Domain=example.com; HttpOnly; Max-Age=60; Path=/app; Secure");
    }

    @Test
    void aBareCookieHasNoAttributesAndFalseFlagsAreLeftOut() {
        Cookie cookie = new Cookie("theme", "dark");
        cookie.setSecure(false);

        assertThat(SetCookie.format(cookie)).isEqualTo("theme=dark");
    }
}
