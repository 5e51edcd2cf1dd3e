package io.wasmgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.wasmgate.abi.testing.RecordingUpstream;
import io.wasmgate.gateway.testing.GatewayFixture;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that reaches the gateway over IPv6: the plugins get its address as Envoy gives it, in RFC 5952
 * text ({@code [::1]:port}), so a policy's listed {@code ::1} matches it; the upstream gets it the same way
 * in {@code X-Forwarded-For} (bare) and {@code Forwarded} (in brackets, as RFC 7239 writes IPv6).
 */
class Ipv6ClientTest {
    @TempDir
    static Path dir;

    static RecordingUpstream upstream;
    static GatewayFixture gateway;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(ipv6Loopback(), "this machine has no IPv6 loopback");
        upstream = RecordingUpstream.start();
        gateway = GatewayFixture.start(dir, """
                listen: { host: "::1", port: 0 }
                admin: { host: 127.0.0.1, port: 0 }
                plugins:
                  - name: actions
                    module: { file: policies/test-actions.wasm }
                clusters:
                  - { name: upstream, url: "%s" }
                routes:
                  - { match: { prefix: / }, cluster: upstream, plugins: [ actions ] }
                """.formatted(upstream.uri()));
        port = gateway.gateway().proxyUri().getPort();
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    private static boolean ipv6Loopback() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void thePluginsGetTheClientsAddressInEnvoysForm() throws Exception {
        String response = exchange("GET /attributes HTTP/1.1\r\nHost: gw\r\nx-test-action: attributes\r\nConnection: close\r\n\r\n");

        assertThat(response).startsWith("HTTP/1.1 200 ");
        assertThat(response).containsPattern("\r\nx-attr-source: \\[::1\\]:\\d+\r\n");
    }

    @Test
    void theUpstreamGetsTheClientsAddressInTheSameForm() throws Exception {
        String response = exchange("GET /forwarded HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n");

        assertThat(response).startsWith("HTTP/1.1 200 ");
        RecordingUpstream.Received received = upstream.last("/forwarded");
        assertThat(received.header("x-forwarded-for")).isEqualTo("::1");
        assertThat(received.header("forwarded")).isEqualTo("by=\"[::1]\";for=\"[::1]\";host=\"gw\";proto=http");
    }

    private static String exchange(String request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getByName("::1"), port), 5000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
