package io.wasmgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.testing.RecordingUpstream;
import io.wasmgate.abi.testing.RecordingUpstream.Received;
import io.wasmgate.abi.testing.RecordingUpstream.Reply;
import io.wasmgate.abi.testing.RawResponse;
import io.wasmgate.gateway.testing.GatewayFixture;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.AsyncRequestContent;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.eclipse.jetty.util.Callback;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every body byte the upstream receives is one the plugins left, framed so that the upstream connection
 * stays in step: a request sent after an edited one on the same pooled connection arrives intact.
 */
class BodyFramingTest {
    @TempDir
    static Path dir;

    static final byte[] BIG_RESPONSE = "0123456789".repeat(30_000).getBytes(StandardCharsets.US_ASCII);

    static RecordingUpstream upstream;
    static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        upstream = RecordingUpstream.start(false, received -> {
            if (received.target().startsWith("/resp-big/") || received.target().startsWith("/small/resp-big/")) {
                return new Reply(200, Map.of(), BIG_RESPONSE, false);
            }
            if (received.target().startsWith("/resp-chunked/")) {
                return Reply.chunked("hello".getBytes(StandardCharsets.US_ASCII));
            }
            return Reply.ok(received.target().startsWith("/resp/") ? "hello" : "ok");
        });
        gateway = GatewayFixture.start(dir, GatewayFixture.PORTS + """
                plugins:
                  - name: actions
                    module: { file: policies/test-actions.wasm }
                  - name: small-buffer
                    module: { file: policies/test-actions.wasm }
                    limits: { max_buffered_body: 64KiB }
                clusters:
                  - { name: recorder, url: "%s", max_connections: 1 }
                  - { name: big, url: "%s" }
                routes:
                  - { match: { prefix: /plain }, cluster: recorder }
                  - { match: { prefix: /small/resp-big/ }, cluster: big, plugins: [ small-buffer ] }
                  - { match: { prefix: / }, cluster: recorder, plugins: [ actions ] }
                """.formatted(upstream.uri(), upstream.uri()));
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        upstream.close();
    }

    @ParameterizedTest(name = "{0} with Content-Length")
    @CsvSource({
            "body-prepend-append, prepend.hello.append",
            "body-replace, replace",
            "body-remove, ''",
            "body-append-no-length, hello.append",
            "body-hold-chunks, hello",
            "count-body, hello"})
    void anEditedBodyOfDeclaredLengthReachesTheUpstreamExactlyAndInStep(String action, String expected) throws Exception {
        String answer = send("POST /edit/" + action + " HTTP/1.1\r\nHost: gw\r\nx-test-action: " + action
                + "\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");

        assertThat(answer).startsWith("HTTP/1.1 200");
        Received edited = upstream.last("/edit/" + action);
        assertThat(edited.bodyText()).isEqualTo(expected);
        assertFramedExactly(edited);
        assertNextRequestArrivesIntact(edited);
    }

    /** Chunks stream: "prepend." and ".append" go around the last chunk, which chunked encoding ends empty. */
    @ParameterizedTest(name = "{0} chunked")
    @CsvSource({
            "body-prepend-append, helloprepend..append",
            "body-replace, replace",
            "body-remove, ''",
            "body-append-no-length, hello.append",
            "body-hold-chunks, hello"})
    void anEditedChunkedBodyReachesTheUpstreamExactlyAndInStep(String action, String expected) throws Exception {
        String answer = send("POST /chunked/" + action + " HTTP/1.1\r\nHost: gw\r\nx-test-action: " + action
                + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 200");
        Received edited = upstream.last("/chunked/" + action);
        assertThat(edited.bodyText()).isEqualTo(expected);
        assertFramedExactly(edited);
        assertNextRequestArrivesIntact(edited);
    }

    @Test
    void thePluginsViewOfABufferedBodyKeepsWhatItAddedAcrossCallbacks() throws Exception {
        String answer = sendInTwoParts("POST /grow HTTP/1.1\r\nHost: gw\r\nx-test-action: body-grow-then-buffer\r\n"
                + "Content-Length: 5\r\nConnection: close\r\n\r\nhel", "lo");

        Received grown = upstream.last("/grow");
        assertThat(grown.bodyText()).isEqualTo("prepend.hello.append");
        assertFramedExactly(grown);
        assertThat(header(answer, "x-request-body-sizes")).isEqualTo("3,13");
        assertNextRequestArrivesIntact(grown);
    }

    @Test
    void aBodyHeldWholeIsSentWithItsExactContentLength() throws Exception {
        send("POST /held HTTP/1.1\r\nHost: gw\r\nx-test-action: body-replace\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");

        Received held = upstream.last("/held");
        assertThat(held.chunked()).isFalse();
        assertThat(held.header("content-length")).isEqualTo("7");
    }

    @Test
    void aPluginThatRemovesContentLengthGetsItsBodyStreamedChunked() throws Exception {
        byte[] big = new byte[300_000];
        java.util.Arrays.fill(big, (byte) 'a');
        String head = "POST /stream-no-length HTTP/1.1\r\nHost: gw\r\nx-test-action: replace-request-body\r\n"
                + "Content-Length: " + big.length + "\r\nConnection: close\r\n\r\n";
        String answer = send(concat(head.getBytes(StandardCharsets.US_ASCII), big));

        assertThat(answer).startsWith("HTTP/1.1 200");
        Received replaced = upstream.last("/stream-no-length");
        assertThat(replaced.bodyText()).isEqualTo("replaced request body");
        assertFramedExactly(replaced);
    }

    @Test
    void anUntouchedBodyKeepsItsDeclaredLength() throws Exception {
        send("POST /plain/x HTTP/1.1\r\nHost: gw\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");
        send("POST /y HTTP/1.1\r\nHost: gw\r\nx-test-action: headers\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");

        for (Received received : List.of(upstream.last("/plain/x"), upstream.last("/y"))) {
            assertThat(received.header("content-length")).isEqualTo("5");
            assertThat(received.bodyText()).isEqualTo("hello");
        }
    }

    /** A chunked upstream response ends with an empty last chunk: "prepend." and ".append" go around it. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "response-body-prepend-append, /resp/, prepend.hello.append",
            "response-body-prepend-append, /resp-chunked/, helloprepend..append",
            "response-body-replace, /resp/, replace",
            "response-body-replace, /resp-chunked/, replace",
            "response-body-remove, /resp/, ''",
            "response-body-remove, /resp-chunked/, ''",
            "response-body-hold-chunks, /resp-chunked/, hello"})
    void anEditedResponseBodyReachesTheClientExactlyAndInStep(String action, String path, String expected) throws Exception {
        List<RawResponse> responses = RawResponse.parseAll(send("GET " + path + action + " HTTP/1.1\r\nHost: gw\r\n"
                + "x-test-action: " + action + "\r\n\r\nGET /plain/after HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n"));

        assertThat(responses).extracting(RawResponse::status).containsExactly(200, 200);
        assertThat(responses.get(0).body()).isEqualTo(expected);
        assertThat(responses.get(1).body()).isEqualTo("ok");
    }

    @Test
    void aStreamedResponseThatAPluginGrowsGoesChunkedInsteadOfKeepingItsDeclaredLength() throws Exception {
        List<RawResponse> responses = RawResponse.parseAll(send("GET /resp-big/x HTTP/1.1\r\nHost: gw\r\n"
                + "x-test-action: response-body-prepend-append\r\n\r\nGET /plain/after HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n"));

        assertThat(responses).extracting(RawResponse::status).containsExactly(200, 200);
        RawResponse grown = responses.get(0);
        assertThat(grown.header("content-length")).isNull();
        assertThat(grown.chunked()).isTrue();
        // The last chunk is framed by "prepend." and ".append": 15 bytes more than the upstream sent.
        assertThat(grown.body().length()).isEqualTo(BIG_RESPONSE.length + "prepend..append".length());
        assertThat(grown.body().endsWith(".append")).isTrue();
        assertThat(grown.body().replace("prepend.", "").replace(".append", ""))
                .isEqualTo(new String(BIG_RESPONSE, StandardCharsets.US_ASCII));
        assertThat(responses.get(1).body()).isEqualTo("ok");
    }

    @Test
    void aResponseOverMaxBufferedBodyAfterItsStatusWentOutResetsTheStreamInsteadOfEndingCleanly() throws Exception {
        String answer = send("GET /small/resp-big/x HTTP/1.1\r\nHost: gw\r\nx-test-action: response-body-replace\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 200");
        assertThat(answer).as("a chunked body without its last chunk: the client sees the response broken off")
                .contains("Transfer-Encoding: chunked").doesNotEndWith("\r\n0\r\n\r\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RawResponse.parseAll(answer)).isInstanceOf(AssertionError.class);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "/plain/bad-size, ffffffffffffffff5",
            "/bad-size, ffffffffffffffff5",
            "/plain/bare-lf, 5|hello|0||",
            "/bare-lf, 5|hello|0||"})
    void badChunkFramingFromTheClientIsABadRequestThatNeverReachesTheUpstream(String path, String body) throws Exception {
        String chunks = body.replace('|', '\n');
        String answer = send("POST " + path + " HTTP/1.1\r\nHost: gw\r\nx-test-action: count-body\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n" + chunks);

        assertThat(answer).startsWith("HTTP/1.1 400");
        assertThat(upstream.requestLines()).noneMatch(line -> line.contains(" " + path + " "));
    }

    /**
     * Over h2c the client frames the body without chunks; with or without a declared length it arrives
     * exactly. (Where the client's DATA frames end decides which chunk "prepend." and ".append" frame:
     * {@code expected} lists the outcomes, separated by {@code |}.)
     */
    @ParameterizedTest(name = "{0} declared={1}")
    @CsvSource({
            "/h2/plain/untouched, true, '', hello",
            "/h2/plain/untouched-unsized, false, '', hello",
            "/h2/edit-sized, true, body-prepend-append, prepend.hello.append",
            "/h2/edit-unsized, false, body-prepend-append, prepend.hello.append|helloprepend..append",
            "/h2/replace-unsized, false, body-replace, replace",
            "/h2/remove-length, true, body-append-no-length, hello.append"})
    void anH2cUploadReachesTheUpstreamExactlyAndInStep(String path, boolean declared, String action, String expected)
            throws Exception {
        String target = path.replace("/h2/plain/", "/plain/h2-");
        HttpClient h2 = new HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client()));
        h2.start();
        try {
            byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
            Request request = h2.newRequest(gateway.proxy(target)).method("POST").timeout(10, TimeUnit.SECONDS);
            if (!action.isEmpty()) {
                request.headers(headers -> headers.put("x-test-action", action));
            }
            if (declared) {
                request.body(new BytesRequestContent(hello));
            } else {
                AsyncRequestContent content = new AsyncRequestContent();
                content.write(ByteBuffer.wrap(hello), Callback.NOOP);
                content.close();
                request.body(content);
            }
            ContentResponse response = request.send();

            assertThat(response.getVersion()).isEqualTo(HttpVersion.HTTP_2);
            assertThat(response.getStatus()).isEqualTo(200);
        } finally {
            h2.stop();
        }
        Received received = upstream.last(target);
        assertThat(received.bodyText()).isIn((Object[]) expected.split("\\|"));
        assertFramedExactly(received);
        assertNextRequestArrivesIntact(received);
    }

    /** The upstream parsed the request by its own framing: a Content-Length, if sent, is the body's length. */
    private static void assertFramedExactly(Received received) {
        assertThat(received.malformed()).isFalse();
        if (received.header("content-length") != null) {
            assertThat(received.chunked()).isFalse();
            assertThat(Long.parseLong(received.header("content-length"))).isEqualTo(received.body().length);
        }
    }

    /** A request right after {@code previous} travels the same pooled upstream connection and arrives as sent. */
    private static void assertNextRequestArrivesIntact(Received previous) throws Exception {
        String answer = send("GET /plain/next HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 200");
        Received next = upstream.last("/plain/next");
        assertThat(next.malformed()).isFalse();
        assertThat(next.requestLine()).isEqualTo("GET /plain/next HTTP/1.1");
        assertThat(next.body()).isEmpty();
        assertThat(upstream.received().get(upstream.received().size() - 1)).isSameAs(next);
    }

    private static String send(String request) throws Exception {
        return send(request.getBytes(StandardCharsets.US_ASCII));
    }

    private static String send(byte[] request) throws Exception {
        return RecordingUpstream.exchange(gateway.proxy("/").getPort(), request, Duration.ofSeconds(10));
    }

    /** Sends {@code first}, pauses so the gateway reads it as its own chunk, then {@code second}. */
    private static String sendInTwoParts(String first, String second) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), gateway.proxy("/").getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(first.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // Part of the scenario: a client that pauses mid-request, so the second part arrives as its own read.
            Thread.sleep(300);
            out.write(second.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            in.transferTo(answer);
            return answer.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static String header(String response, String name) {
        for (String line : response.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
