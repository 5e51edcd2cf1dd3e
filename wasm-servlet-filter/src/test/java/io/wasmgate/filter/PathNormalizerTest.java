package io.wasmgate.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** One form of a request path: RFC 3986 normalisation as Envoy's normalize_path, with refusals. */
class PathNormalizerTest {
    @ParameterizedTest
    @CsvSource({
            "/, /",
            "/a/b/c, /a/b/c",
            "/a/b/, /a/b/",
            "/a//b, /a//b",
            "/open/x, /open/x"})
    void aPathInNormalFormIsKept(String path, String expected) {
        assertThat(PathNormalizer.normalize(path)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/a/b/c", "/.well-known/acme", "/a/.../b", "/a/..b", "/a/b.", "/a;v=1/b", "/~user/a-b_c.d",
            "/a:b@c!$&'()*+,;=", "/a//b/"})
    void aPathInNormalFormIsReturnedItselfWithoutACopy(String path) {
        assertThat(PathNormalizer.normalize(path)).isSameAs(path);
    }

    @ParameterizedTest
    @CsvSource({
            "/jwt/../open/x, /open/x",
            "/a/./b, /a/b",
            "/a/b/.., /a/",
            "/a/b/., /a/b/",
            "/a/b/../../c, /c",
            "/a/b/../.., /",
            "/a//../b, /a/b",
            "/./a, /a",
            "/a/.../b, /a/.../b",
            "/a/..b/c, /a/..b/c"})
    void dotSegmentsAreRemoved(String path, String expected) {
        assertThat(PathNormalizer.normalize(path)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/..", "/../x", "/a/../../x", "/a/b/../../..", "/./../x", "/%2E%2E/x"})
    void aPathAboveTheRootIsRefused(String path) {
        assertThatThrownBy(() -> PathNormalizer.normalize(path)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("above the root");
    }

    @ParameterizedTest
    @CsvSource({
            "/%7Euser/%61%62%63, /~user/abc",
            "/a%2Db%2e%5F, /a-b._",
            "/a%2fb, ",
            "/%20x%3f, /%20x%3F",
            "/%c3%a9, /%C3%A9",
            "/%25, /%25",
            "/%3B, /%3B"})
    void unreservedEscapesAreDecodedAndTheOthersUpperCased(String path, String expected) {
        if (expected == null) {
            assertThatThrownBy(() -> PathNormalizer.normalize(path)).isInstanceOf(IllegalArgumentException.class);
        } else {
            assertThat(PathNormalizer.normalize(path)).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @CsvSource({
            "/jwt/%2E%2E/open/x, /open/x",
            "/jwt/%2e./open/x, /open/x",
            "/jwt/%2E/x, /jwt/x"})
    void encodedDotSegmentsAreDotSegments(String path, String expected) {
        assertThat(PathNormalizer.normalize(path)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
            "/jwt;a=b/../open/x, /open/x",
            "/a;v=1/b, /a;v=1/b",
            "/a/b;jsessionid=1, /a/b;jsessionid=1",
            "/a/..;/b, ",
            "/a/.;x/b, ",
            "/a/%2E%2E;x/b, "})
    void aPathParameterStaysPartOfItsSegmentButNotOfADotSegment(String path, String expected) {
        if (expected == null) {
            assertThatThrownBy(() -> PathNormalizer.normalize(path)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("dot segment");
        } else {
            assertThat(PathNormalizer.normalize(path)).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a%2Fb", "/a%2fb", "/a%5Cb", "/a%5cb", "/a\\b", "/a\\..\\b"})
    void encodedSlashesAndBackslashesAreRefused(String path) {
        assertThatThrownBy(() -> PathNormalizer.normalize(path)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("slash");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a%", "/a%4", "/a%zz", "/a%4g", "/%%41"})
    void aMalformedEscapeIsRefused(String path) {
        assertThatThrownBy(() -> PathNormalizer.normalize(path)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("percent-escape");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a b", "/a\tb", "/a\u0000b", "/a\u007Fb", "/a\rb"})
    void controlCharactersAreRefused(String path) {
        assertThatThrownBy(() -> PathNormalizer.normalize(path)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("control character");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "*", "a/b", "example.com:443"})
    void aTargetThatIsNotAnAbsolutePathIsRefused(String path) {
        assertThatThrownBy(() -> PathNormalizer.normalize(path)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("absolute path");
    }

    @Test
    void aNullTargetIsRefused() {
        assertThatThrownBy(() -> PathNormalizer.normalize(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void charactersAPathMayNotCarryRawArePercentEncodedAsUtf8() {
        assertThat(PathNormalizer.normalize("/a|b{c}\"")).isEqualTo("/a%7Cb%7Bc%7D%22");
        assertThat(PathNormalizer.normalize("/caf\u00e9/\uD83D\uDE00")).isEqualTo("/caf%C3%A9/%F0%9F%98%80");
    }

    @Test
    void subDelimitersColonAndAtAreKeptRaw() {
        assertThat(PathNormalizer.normalize("/!$&'()*+,;=:@")).isEqualTo("/!$&'()*+,;=:@");
    }

    @Test
    void normalisingTwiceChangesNothing() {
        String once = PathNormalizer.normalize("/a/%7e/./b/../%c3%a9;x=1/%20/c|d");

        assertThat(PathNormalizer.normalize(once)).isEqualTo(once);
    }

    @Test
    void theRoutingFormDecodesEveryEscapeAsUtf8() {
        assertThat(PathNormalizer.decode("/caf%C3%A9/a%20b%3Bc")).isEqualTo("/caf\u00e9/a b;c");
        assertThat(PathNormalizer.decode("/plain")).isEqualTo("/plain");
    }

    @Test
    void rawNonAsciiARewrittenPathMayCarryDecodesAsItself() {
        assertThat(PathNormalizer.decode("/caf\u00e9/%41")).isEqualTo("/caf\u00e9/A");
        assertThat(PathNormalizer.decode("/\ud83d\ude00%20x")).isEqualTo("/\ud83d\ude00 x");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a=1&b=2", "q=%41%2f%2F", "100%25", "f={\"a\":1}|x^y"})
    void aQueryWhoseEscapesAreWholeIsValid(String query) {
        assertThat(PathNormalizer.validQuery(query)).isTrue();
    }

    @Test
    void noQueryIsValid() {
        assertThat(PathNormalizer.validQuery(null)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"%", "a%", "q=%4", "q=%G0", "q=%zz&r=1", "%%41", "q=%41%"})
    void aQueryWithAPercentNotFollowedByTwoHexDigitsIsNot(String query) {
        assertThat(PathNormalizer.validQuery(query)).isFalse();
    }
}
