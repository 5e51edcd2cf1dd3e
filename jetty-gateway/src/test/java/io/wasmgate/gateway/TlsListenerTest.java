package io.wasmgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.testing.Poll;
import io.wasmgate.gateway.testing.Curl;
import io.wasmgate.gateway.testing.GatewayFixture;
import io.wasmgate.gateway.testing.TestCa;
import io.wasmgate.gateway.testing.Upstream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code listen.tls}: the proxy port serves HTTPS, HTTP/2 or HTTP/1.1 by ALPN, with a certificate a reload replaces. */
class TlsListenerTest {
    @TempDir
    static Path dir;

    static Upstream upstream;
    static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        upstream = Upstream.start("backend");
        gateway = tlsGateway(dir, TestCa.create("Wasmgate test CA"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    /** A gateway in {@code folder} serving a certificate for localhost from {@code ca} (its certificate in ca.pem). */
    private static GatewayFixture tlsGateway(Path folder, TestCa ca) throws Exception {
        Files.createDirectories(folder);
        ca.writeCertificate(folder.resolve("ca.pem"));
        TestCa.Issued proxy = ca.issue("localhost", "127.0.0.1");
        proxy.writeCertificate(folder.resolve("cert.pem"));
        proxy.writeKey(folder.resolve("key.pem"));
        return GatewayFixture.start(folder, """
                listen: { host: 127.0.0.1, port: 0, drain_timeout: 5s, tls: { certificate: cert.pem, private_key: key.pem } }
                admin: { host: 127.0.0.1, port: 0 }
                plugins:
                  - { name: headers, module: { file: policies/add-header.wasm }, root_id: add_header, configuration: "x-wasmgate: tls", instances: 1 }
                clusters:
                  - { name: backend, url: "%s" }
                routes:
                  - { match: { prefix: / }, cluster: backend, plugins: [ headers ] }
                """.formatted(upstream.uri()));
    }

    private static Curl.Result curl(GatewayFixture gateway, Path caFile, String protocol, String path, String... more)
            throws Exception {
        int port = gateway.gateway().proxyUri().getPort();
        List<String> args = new ArrayList<>(List.of(protocol, "--cacert", caFile.toString(), "--resolve",
                "localhost:" + port + ":127.0.0.1", "https://localhost:" + port + path));
        args.addAll(List.of(more));
        return Curl.run(args.toArray(String[]::new));
    }

    @Test
    void theProxyUriSaysHttps() {
        assertThat(gateway.gateway().proxyUri().getScheme()).isEqualTo("https");
    }

    @Test
    void theListenerServesHttp2OverTlsWithAlpn() throws Exception {
        Curl.Result result = curl(gateway, dir.resolve("ca.pem"), "--http2", "/hello");

        assertThat(result.exitCode()).as(result.errors()).isZero();
        assertThat(result.output()).startsWith("HTTP/2 200").contains("x-wasmgate: tls").endsWith("backend GET /hello");
    }

    @Test
    void http2IsServedToTls12ClientsToo() throws Exception {
        Curl.Result result = curl(gateway, dir.resolve("ca.pem"), "--http2", "/hello", "--tlsv1.2", "--tls-max", "1.2");

        assertThat(result.exitCode()).as(result.errors()).isZero();
        assertThat(result.output()).startsWith("HTTP/2 200");
    }

    @Test
    void theListenerServesHttp11OverTlsToClientsThatAskForIt() throws Exception {
        Curl.Result result = curl(gateway, dir.resolve("ca.pem"), "--http1.1", "/hello");

        assertThat(result.exitCode()).as(result.errors()).isZero();
        assertThat(result.output()).startsWith("HTTP/1.1 200").contains("x-wasmgate: tls").endsWith("backend GET /hello");
    }

    @Test
    void aHostThatIsNotANameOfTheCertificateIsStillServed() throws Exception {
        Curl.Result result = curl(gateway, dir.resolve("ca.pem"), "--http1.1", "/other-host", "-H", "Host: api.example");

        assertThat(result.output()).startsWith("HTTP/1.1 200");
        assertThat(Upstream.header(upstream.last(), "host")).isEqualTo("api.example");
    }

    @Test
    void overHttp2TheUpstreamGetsTheAuthorityTheClientSentWithoutTheDefaultPort() throws Exception {
        Curl.Result result = curl(gateway, dir.resolve("ca.pem"), "--http2", "/h2-host", "-H", "Host: api.example");

        assertThat(result.output()).startsWith("HTTP/2 200");
        assertThat(Upstream.header(upstream.last(), "host")).isEqualTo("api.example");
        assertThat(Upstream.header(upstream.last(), "x-forwarded-host")).isEqualTo("api.example");
        assertThat(Upstream.header(upstream.last(), "forwarded")).contains("host=\"api.example\"");
    }

    @Test
    void overHttp2AnAuthorityWithAnotherPortReachesTheUpstreamWithIt() throws Exception {
        Curl.Result result = curl(gateway, dir.resolve("ca.pem"), "--http2", "/h2-port", "-H", "Host: api.example:8443");

        assertThat(result.output()).startsWith("HTTP/2 200");
        assertThat(Upstream.header(upstream.last(), "host")).isEqualTo("api.example:8443");
    }

    @Test
    void theUpstreamLearnsThatTheClientCameOverHttps() throws Exception {
        curl(gateway, dir.resolve("ca.pem"), "--http2", "/proto");

        assertThat(Upstream.header(upstream.last(), "x-forwarded-proto")).isEqualTo("https");
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateIsRefusedTheHandshake() throws Exception {
        Path stranger = TestCa.create("Someone else").writeCertificate(dir.resolve("stranger.pem"));

        Curl.Result result = curl(gateway, stranger, "--http2", "/hello");

        assertThat(result.exitCode()).as("curl's exit code for an untrusted certificate").isEqualTo(60);
    }

    @Test
    void renewedCertificateAndKeyFilesAreReloadedByTheWatcher(@TempDir Path folder) throws Exception {
        try (GatewayFixture rotating = tlsGateway(folder, TestCa.create("First CA"))) {
            TestCa next = TestCa.create("Next CA");
            Path nextCa = next.writeCertificate(folder.resolve("next-ca.pem"));
            TestCa.Issued renewed = next.issue("localhost", "127.0.0.1");
            renewed.writeCertificate(folder.resolve("cert.pem"));
            renewed.writeKey(folder.resolve("key.pem"));

            Poll.until("the renewed certificate to be served", () -> curl(rotating, nextCa, "--http2", "/renewed").exitCode() == 0);
        }
    }

    @Test
    void aReloadWhoseKeyDoesNotMatchItsCertificateIsRejectedAndTheOldOneServes(@TempDir Path folder) throws Exception {
        try (GatewayFixture rotating = tlsGateway(folder, TestCa.create("First CA"))) {
            TestCa next = TestCa.create("Next CA");
            next.issue("localhost").writeCertificate(folder.resolve("cert.pem"));
            next.issue("localhost").writeKey(folder.resolve("key.pem"));

            HttpResponse<String> reload = rotating.reload();

            assertThat(reload.statusCode()).isEqualTo(500);
            assertThat(reload.body()).contains("tls.private_key", "does not match the certificate");
            assertThat(curl(rotating, folder.resolve("ca.pem"), "--http2", "/still").output()).startsWith("HTTP/2 200");
        }
    }

    @Test
    void theConfigDumpShowsWhichCertificateServes() throws Exception {
        String dump = gateway.adminGet("/config_dump").body();

        assertThat(dump).contains("\"certificate\" : \"" + dir.resolve("cert.pem") + "\"")
                .contains("\"private_key\" : \"" + dir.resolve("key.pem") + "\"").contains("\"subject\" : \"CN=localhost\"")
                .doesNotContain("PRIVATE KEY-----");
    }

    @Test
    void aReloadWithANewCertificateAndKeyServesThemOnNewConnections(@TempDir Path folder) throws Exception {
        try (GatewayFixture rotating = tlsGateway(folder, TestCa.create("First CA"))) {
            TestCa next = TestCa.create("Next CA");
            Path nextCa = next.writeCertificate(folder.resolve("next-ca.pem"));
            TestCa.Issued renewed = next.issue("localhost", "127.0.0.1");
            renewed.writeCertificate(folder.resolve("cert.pem"));
            renewed.writeKey(folder.resolve("key.pem"));

            assertThat(rotating.reload().statusCode()).isEqualTo(200);

            assertThat(curl(rotating, nextCa, "--http2", "/renewed").output()).startsWith("HTTP/2 200");
            assertThat(curl(rotating, folder.resolve("ca.pem"), "--http2", "/renewed").exitCode())
                    .as("the first certificate is no longer served").isEqualTo(60);
        }
    }
}
