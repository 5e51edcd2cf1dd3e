package io.wasmgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.testing.RecordingUpstream;
import io.wasmgate.gateway.testing.GatewayFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The response the client gets is the one the upstream sent, as the plugins left it: each header value
 * byte for byte, quoted strings, commas and spacing included. A raw-socket upstream answers, a raw client
 * reads, with and without a plugin on the route. A 304 declares a length only if the upstream's did.
 */
class ResponseCanonicalTest {
    private static final Duration IDLE = Duration.ofSeconds(10);

    /** Values a parser of comma-separated lists would rewrite: quoted strings, commas inside values, odd spacing. */
    private static final Map<String, String> SENT = sent();

    @TempDir
    static Path dir;

    static RecordingUpstream upstream;
    static GatewayFixture gateway;
    static int port;

    private static Map<String, String> sent() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Disposition", "attachment; filename=\"my file.pdf\"");
        headers.put("WWW-Authenticate", "Bearer realm=\"api\", error=\"invalid_token\", error_description=\"The token expired\"");
        headers.put("Set-Cookie", "id=\"a b\"; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT");
        headers.put("Link", "<https://cdn.example/a.css>; rel=\"preload\"; as=\"style\"");
        headers.put("X-Spacing", "a,b ,  c");
        headers.put("Content-Type", "multipart/mixed; boundary=\"next part\"; charset=UTF-8");
        return headers;
    }

    @BeforeAll
    static void start() throws Exception {
        upstream = RecordingUpstream.start(false, ResponseCanonicalTest::reply);
        gateway = GatewayFixture.start(dir, GatewayFixture.PORTS + """
                plugins:
                  - name: actions
                    module: { file: policies/test-actions.wasm }
                clusters:
                  - { name: upstream, url: "%s" }
                routes:
                  - { match: { prefix: /checked }, cluster: upstream, plugins: [ actions ] }
                  - { match: { prefix: /plain }, cluster: upstream }
                """.formatted(upstream.uri()));
        port = gateway.proxy("/").getPort();
    }

    /** A 304 (with its 200's length for {@code /not-modified-sized}) for the not-modified paths, else 200 and {@link #SENT}. */
    private static RecordingUpstream.Reply reply(RecordingUpstream.Received request) {
        String target = request.requestLine().split(" ")[1];
        if (target.endsWith("/not-modified")) {
            return new RecordingUpstream.Reply(304, Map.of("ETag", "\"v1\""), new byte[0], false);
        }
        if (target.endsWith("/not-modified-sized")) {
            return new RecordingUpstream.Reply(304, Map.of("ETag", "\"v1\"", "Content-Length", "1234"), new byte[0], false);
        }
        if (target.endsWith("/with-trailers")) {
            return new RecordingUpstream.Reply(200, Map.of("Content-Type", "text/plain"), "streamed".getBytes(StandardCharsets.US_ASCII),
                    true, Map.of("X-Checksum", "abc123"));
        }
        return new RecordingUpstream.Reply(200, SENT, "ok".getBytes(StandardCharsets.US_ASCII), false);
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        upstream.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/plain/verbatim", "/checked/verbatim"})
    void theClientGetsEachResponseHeaderValueAsTheUpstreamSentIt(String path) throws Exception {
        String raw = RecordingUpstream.exchange(port, "GET " + path + " HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n", IDLE);

        List<String> head = Arrays.asList(raw.substring(0, raw.indexOf("\r\n\r\n")).split("\r\n"));
        assertThat(head.get(0)).startsWith("HTTP/1.1 200 ");
        // Names may come lower-cased (plugins see them so); values must not change.
        List<String> received = head.subList(1, head.size()).stream().map(ResponseCanonicalTest::lowerCaseName).toList();
        SENT.forEach((name, value) -> assertThat(received).contains(name.toLowerCase(Locale.ROOT) + ": " + value));
        assertThat(raw).endsWith("\r\n\r\nok");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/plain", "/checked"})
    void aNotModifiedWithoutALengthGetsNoneAndTheConnectionServesTheNextRequest(String route) throws Exception {
        String raw = RecordingUpstream.exchange(port, "GET " + route + "/not-modified HTTP/1.1\r\nHost: gw\r\n\r\n"
                + "GET " + route + "/next HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n", IDLE);

        String notModified = raw.substring(0, raw.indexOf("\r\n\r\n"));
        assertThat(notModified).startsWith("HTTP/1.1 304 ").containsIgnoringCase("\r\netag: \"v1\"")
                .doesNotContainIgnoringCase("content-length").doesNotContainIgnoringCase("transfer-encoding");
        assertThat(raw.substring(raw.indexOf("\r\n\r\n") + 4)).startsWith("HTTP/1.1 200 ").endsWith("\r\n\r\nok");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/plain", "/checked"})
    void aNotModifiedKeepsTheLengthOfThe200ItStandsFor(String route) throws Exception {
        String raw = RecordingUpstream.exchange(port, "GET " + route + "/not-modified-sized HTTP/1.1\r\nHost: gw\r\n"
                + "Connection: close\r\n\r\n", IDLE);

        assertThat(raw).startsWith("HTTP/1.1 304 ").containsIgnoringCase("\r\ncontent-length: 1234\r\n").endsWith("\r\n\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/plain", "/checked"})
    void aChunkedResponsesTrailersReachAnHttp11Client(String route) throws Exception {
        String raw = RecordingUpstream.exchange(port, "GET " + route + "/with-trailers HTTP/1.1\r\nHost: gw\r\nTE: trailers\r\n"
                + "Connection: close\r\n\r\n", IDLE);

        assertThat(raw).startsWith("HTTP/1.1 200 ").containsIgnoringCase("\r\ntransfer-encoding: chunked\r\n")
                .contains("streamed").containsPattern("(?i)\r\n0\r\nx-checksum: abc123\r\n\r\n$");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/plain", "/checked"})
    void anHttp10ClientGetsAStreamedResponsesBodyWithoutItsTrailers(String route) throws Exception {
        String raw = RecordingUpstream.exchange(port, "GET " + route + "/with-trailers HTTP/1.0\r\nHost: gw\r\n\r\n", IDLE);

        assertThat(raw).startsWith("HTTP/1.1 200 ").doesNotContainIgnoringCase("x-checksum").endsWith("\r\n\r\nstreamed");
    }

    private static String lowerCaseName(String line) {
        int colon = line.indexOf(':');
        return line.substring(0, colon).toLowerCase(Locale.ROOT) + line.substring(colon);
    }
}
