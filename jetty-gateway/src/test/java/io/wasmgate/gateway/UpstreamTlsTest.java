package io.wasmgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.testing.CapturedStderr;
import io.wasmgate.abi.testing.Poll;
import io.wasmgate.gateway.testing.GatewayFixture;
import io.wasmgate.gateway.testing.TestCa;
import io.wasmgate.gateway.testing.TlsUpstream;
import io.wasmgate.gateway.testing.Upstream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cluster's {@code tls}: which certificates an {@code https} upstream may show, for routes and callouts alike. */
class UpstreamTlsTest {
    @TempDir
    Path dir;

    private TestCa ca;
    private CapturedStderr log;

    @BeforeEach
    void privateCa() throws Exception {
        ca = TestCa.create("Private CA");
        ca.writeCertificate(dir.resolve("ca.pem"));
        log = CapturedStderr.start();
    }

    @AfterEach
    void restoreErr() {
        if (log != null) {
            log.close();
        }
    }

    private String log() {
        return log.text();
    }

    /** A gateway whose only route goes to the cluster {@code secure}, written as {@code cluster}. */
    private GatewayFixture gateway(String cluster) throws Exception {
        return GatewayFixture.start(dir, GatewayFixture.PORTS + """
                clusters:
                  - %s
                routes:
                  - { match: { prefix: / }, cluster: secure }
                """.formatted(cluster));
    }

    @Test
    void anHttpsUpstreamSignedByTheCaOfCaFileAnswers() throws Exception {
        try (TlsUpstream upstream = TlsUpstream.start("secure", ca.issue("127.0.0.1"));
                GatewayFixture gateway = gateway("{ name: secure, url: \"%s\", tls: { ca_file: ca.pem } }".formatted(upstream.uri()))) {
            HttpResponse<String> response = gateway.get("/hello");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("secure GET /hello");
        }
    }

    @Test
    void anUpstreamCertificateFromAnotherCaIsA502AndALogLineNamingTheCluster() throws Exception {
        TestCa other = TestCa.create("Other CA");
        try (TlsUpstream upstream = TlsUpstream.start("secure", other.issue("127.0.0.1"));
                GatewayFixture gateway = gateway("{ name: secure, url: \"%s\", tls: { ca_file: ca.pem } }".formatted(upstream.uri()))) {
            assertThat(gateway.get("/hello").statusCode()).isEqualTo(502);

            Poll.until("the TLS handshake failure in the log", () -> log().contains("TLS handshake"));
            assertThat(log()).contains("cluster 'secure' (" + upstream.uri() + ", trusting tls.ca_file " + dir.resolve("ca.pem")
                    + "): TLS handshake with 127.0.0.1:" + upstream.port() + " failed").contains("PKIX path building failed");
        }
    }

    @Test
    void anExpiredUpstreamCertificateIsA502() throws Exception {
        try (TlsUpstream upstream = TlsUpstream.start("secure", ca.issueExpired("127.0.0.1"));
                GatewayFixture gateway = gateway("{ name: secure, url: \"%s\", tls: { ca_file: ca.pem } }".formatted(upstream.uri()))) {
            assertThat(gateway.get("/hello").statusCode()).isEqualTo(502);

            Poll.until("the TLS handshake failure in the log", () -> log().contains("TLS handshake"));
            assertThat(log()).contains("validity check failed");
        }
    }

    @Test
    void serverNameIsTheNameTheUpstreamCertificateMustCarry() throws Exception {
        try (TlsUpstream upstream = TlsUpstream.start("secure", ca.issue("upstream.test"));
                GatewayFixture gateway = GatewayFixture.start(dir, GatewayFixture.PORTS + """
                        clusters:
                          - { name: named, url: "%1$s", tls: { ca_file: ca.pem, server_name: upstream.test } }
                          - { name: by-address, url: "%1$s", tls: { ca_file: ca.pem } }
                        routes:
                          - { match: { prefix: /named }, cluster: named }
                          - { match: { prefix: / }, cluster: by-address }
                        """.formatted(upstream.uri()))) {
            assertThat(gateway.get("/named").statusCode()).isEqualTo(200);
            assertThat(gateway.get("/by-address").statusCode()).as("the certificate is not for 127.0.0.1").isEqualTo(502);
        }
    }

    @Test
    void verifyFalseAcceptsAnyCertificateAndSaysSoInTheLog() throws Exception {
        TestCa stranger = TestCa.create("Nobody's CA");
        try (TlsUpstream upstream = TlsUpstream.start("secure", stranger.issue("somewhere.else"));
                GatewayFixture gateway = gateway("{ name: secure, url: \"%s\", tls: { verify: false } }".formatted(upstream.uri()))) {
            assertThat(gateway.get("/hello").statusCode()).isEqualTo(200);
            assertThat(log()).contains("cluster 'secure' (" + upstream.uri() + "): tls.verify is false");
        }
    }

    @Test
    void aCalloutToAnHttpsClusterTrustsItsCaFile() throws Exception {
        try (Upstream backend = Upstream.start("backend");
                TlsUpstream authz = TlsUpstream.start("authz", ca.issue("127.0.0.1"));
                GatewayFixture gateway = GatewayFixture.start(dir, GatewayFixture.PORTS + """
                        plugins:
                          - { name: relay, module: { file: policies/callout-relay.wasm }, instances: 1 }
                        clusters:
                          - { name: backend, url: "%s" }
                          - { name: upstream, url: "%s", tls: { ca_file: ca.pem } }
                        routes:
                          - { match: { prefix: / }, cluster: backend, plugins: [ relay ] }
                        """.formatted(backend.uri(), authz.uri()))) {
            assertThat(gateway.get("/relay/who").statusCode()).isEqualTo(200);

            assertThat(Upstream.header(backend.last(), "x-answer")).isEqualTo("authz GET /relay/who");
        }
    }
}
