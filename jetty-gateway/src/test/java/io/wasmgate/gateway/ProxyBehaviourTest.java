package io.wasmgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.testing.RawResponse;
import io.wasmgate.gateway.testing.GatewayFixture;
import io.wasmgate.gateway.testing.Upstream;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a reverse proxy owes both sides, through a route that runs a policy. */
class ProxyBehaviourTest {
    @TempDir
    static Path dir;

    static Upstream upstream;
    static int closedPort;
    static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        upstream = Upstream.start("backend");
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        gateway = GatewayFixture.start(dir, GatewayFixture.PORTS + """
                plugins:
                  - name: headers
                    module: { file: policies/add-header.wasm }
                    root_id: add_header
                    configuration: "x-policy: ran"
                    instances: 2
                clusters:
                  - { name: backend, url: "%s", timeout: 2s }
                  - { name: refused, url: "http://127.0.0.1:%d" }
                routes:
                  - { match: { prefix: /refused }, cluster: refused }
                  - { match: { prefix: / }, cluster: backend, plugins: [ headers ] }
                """.formatted(upstream.uri(), closedPort));
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        upstream.close();
    }

    @Test
    void hopByHopHeadersStopAtTheProxyBothWays() throws Exception {
        HttpResponse<String> response = gateway.send(HttpRequest.newBuilder(gateway.proxy("/hop"))
                .header("x-end-to-end", "kept").header("x-hop-listed", "dropped").header("Proxy-Authorization", "Basic x")
                .header("TE", "trailers").build());
        // The JDK client may not send Connection itself: a raw request lists a header in it.
        String raw = rawExchange("GET /hop HTTP/1.1\r\nHost: gw\r\nConnection: x-listed\r\nx-listed: 1\r\nx-other: 2\r\n\r\n");

        Upstream.Received received = upstream.received().stream().filter(r -> r.path().equals("/hop")).toList().get(0);
        assertThat(Upstream.header(received, "x-end-to-end")).isEqualTo("kept");
        assertThat(Upstream.header(received, "proxy-authorization")).isNull();
        assertThat(Upstream.header(upstream.last(), "x-listed")).isNull();
        assertThat(Upstream.header(upstream.last(), "x-other")).isEqualTo("2");
        assertThat(response.headers().firstValue("x-hop-listed")).isEmpty();
        assertThat(response.headers().firstValue("keep-alive")).isEmpty();
        assertThat(response.headers().firstValue("proxy-authenticate")).isEmpty();
        assertThat(response.headers().firstValue("x-policy")).hasValue("ran");
        assertThat(raw).startsWith("HTTP/1.1 200").doesNotContainIgnoringCase("x-hop-listed");
    }

    /**
     * Every value reaches the upstream where the client sent it, a repeated header's values apart as they
     * came: the order the plugins saw ({@code RequestCanonicalTest} has the plugins' view and their edits).
     */
    @Test
    void requestHeadersThePolicyLeavesReachTheUpstreamInTheClientsOrder() throws Exception {
        rawExchange("GET /order HTTP/1.1\r\nX-First: 1\r\nHost: gw\r\nX-Repeat: a\r\nX-Mixed-Case: Value B\r\n"
                + "x-repeat: c\r\nConnection: close\r\n\r\n");

        List<String> received = upstream.last().headers().stream().filter(field -> field.getName().startsWith("x-")
                && !field.getName().startsWith("x-forwarded")).map(field -> field.getName() + ": " + field.getValue()).toList();
        assertThat(received).containsExactly("x-first: 1", "x-repeat: a", "x-mixed-case: Value B", "x-repeat: c");
    }

    @Test
    void responseHeadersThePolicyLeavesReachTheClientAsTheUpstreamSentThemBesideTheOneItAdds() throws Exception {
        RawResponse response = RawResponse.parseAll(rawExchange("GET /repeated HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n"))
                .get(0);

        assertThat(response.headers()).filteredOn(header -> header.getKey().toLowerCase(Locale.ROOT).startsWith("x-"))
                .extracting(header -> header.getKey().toLowerCase(Locale.ROOT) + ": " + header.getValue())
                .containsExactlyInAnyOrder("x-upstream: backend", "x-repeated: one", "x-repeated: Two", "x-policy: ran");
        assertThat(response.headers()).filteredOn(header -> header.getKey().equalsIgnoreCase("x-repeated"))
                .extracting(Map.Entry::getValue).containsExactly("one", "Two");
        assertThat(response.body()).isEqualTo("repeated");
    }

    @Test
    void theUpstreamLearnsWhoAskedThroughWhichProxy() throws Exception {
        gateway.send(HttpRequest.newBuilder(gateway.proxy("/who")).header("X-Forwarded-For", "203.0.113.7").build());

        Upstream.Received received = upstream.last();
        assertThat(Upstream.header(received, "x-forwarded-for")).isEqualTo("203.0.113.7, 127.0.0.1");
        assertThat(Upstream.header(received, "x-forwarded-proto")).isEqualTo("http");
        assertThat(Upstream.header(received, "x-forwarded-host")).isEqualTo(gateway.proxy("/").getAuthority());
        assertThat(Upstream.header(received, "via")).isEqualTo("1.1 wasmgate");
    }

    @Test
    void anUpstreamThatRefusesIsABadGateway() throws Exception {
        assertThat(gateway.get("/refused/x").statusCode()).isEqualTo(502);
    }

    @Test
    void anUpstreamOverItsTimeoutIsAGatewayTimeout() throws Exception {
        HttpResponse<String> response = gateway.get("/slow?ms=3000");

        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(response.headers().firstValue("x-policy")).hasValue("ran");
    }

    @Test
    void aStreamedResponseReachesTheClientAsItIsWritten() throws Exception {
        HttpResponse<InputStream> response = gateway.client().send(HttpRequest.newBuilder(gateway.proxy("/stream")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader body = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            assertThat(body.readLine()).isEqualTo("first");
            upstream.releaseStream();
            assertThat(body.readLine()).isEqualTo("last");
            assertThat(body.readLine()).isNull();
        }
        assertThat(response.headers().firstValue("x-policy")).hasValue("ran");
    }

    @Test
    void aLargeUploadStreamsToTheUpstreamWhole() throws Exception {
        byte[] body = new byte[12 * 1024 * 1024];
        new Random(7).nextBytes(body);

        HttpResponse<String> response = gateway.send(HttpRequest.newBuilder(gateway.proxy("/upload"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(body.length + " " + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body)));
    }

    @Test
    void aLargeDownloadArrivesWhole() throws Exception {
        HttpResponse<byte[]> response = gateway.client().send(HttpRequest.newBuilder(gateway.proxy("/big?bytes=20000000")).build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).hasSize(20_000_000);
        assertThat(response.headers().firstValue("x-policy")).hasValue("ran");
    }

    @Test
    void connectionsAreKeptAliveOnBothSides() throws Exception {
        String raw = rawExchange("GET /a HTTP/1.1\r\nHost: gw\r\n\r\nGET /b HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n");
        int before = upstream.received().size();
        for (int i = 0; i < 5; i++) {
            gateway.get("/keep/" + i);
        }

        assertThat(raw).contains("backend GET /a").contains("backend GET /b");
        assertThat(upstream.received().subList(before, before + 5)).extracting(Upstream.Received::connection).containsOnly(
                upstream.last().connection());
    }

    @Test
    void anHttp2ClientSpeaksH2cToTheGateway() throws Exception {
        HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();

        HttpResponse<String> response = h2.send(HttpRequest.newBuilder(gateway.proxy("/h2")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(response.body()).isEqualTo("backend GET /h2");
        assertThat(response.headers().firstValue("x-policy")).hasValue("ran");
    }

    /** Sends {@code requests} on one connection and returns everything the gateway answered until it closed. */
    private static String rawExchange(String requests) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", gateway.proxy("/").getPort())) {
            socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(5));
            OutputStream out = socket.getOutputStream();
            out.write(requests.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            if (!requests.contains("Connection: close")) {
                socket.shutdownOutput();
            }
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
