package io.wasmgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.wasmgate.abi.testing.Poll;
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
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that reaches the gateway over IPv6: the plugins get its address as Envoy gives it, in RFC 5952
 * text ({@code [::1]:port}), so a policy's listed {@code ::1} matches it; the upstream gets it the same way
 * in {@code X-Forwarded-For} (bare) and {@code Forwarded} (in brackets, as RFC 7239 writes IPv6). The
 * deny-list sample, its list fetched from the upstream, refuses the client it lists as {@code ::1}.
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
        upstream = RecordingUpstream.start(false, request -> request.requestLine().startsWith("GET /deny-list.txt ")
                ? new RecordingUpstream.Reply(200, Map.of("Content-Type", "text/plain"),
                        "# the clients refused\n::1\n".getBytes(StandardCharsets.US_ASCII), false)
                : RecordingUpstream.Reply.ok("ok"));
        gateway = GatewayFixture.start(dir, """
                listen: { host: "::1", port: 0 }
                admin: { host: 127.0.0.1, port: 0 }
                services:
                  - name: deny-list-service
                    module: { classpath: wasmgate/policies/deny-list.wasm }
                    root_id: deny_list_service
                    vm_id: deny-list
                    instances: 1
                    configuration: { cluster: upstream, path: /deny-list.txt, interval: 30s, timeout: 5s }
                plugins:
                  - name: actions
                    module: { file: policies/test-actions.wasm }
                  - name: deny-list
                    module: { classpath: wasmgate/policies/deny-list.wasm }
                    root_id: deny_list
                    vm_id: deny-list
                    configuration: { key: source.address, fail_closed: true }
                clusters:
                  - { name: upstream, url: "%s" }
                routes:
                  - { match: { prefix: /denied }, cluster: upstream, plugins: [ deny-list ] }
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

    @Test
    void theDenyListRefusesTheIpv6ClientItLists() throws Exception {
        // fail_closed: 503 until the service published the list, then the listed client's 403.
        Poll.until("the deny list to be loaded", () -> !exchange("GET /denied HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n")
                .startsWith("HTTP/1.1 503 "));

        String response = exchange("GET /denied/x HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n");

        assertThat(response).startsWith("HTTP/1.1 403 ")
                .endsWith("{\"error\":\"forbidden\",\"reason\":\"client is on the deny list\"}");
        assertThat(upstream.received()).noneMatch(received -> received.requestLine().startsWith("GET /denied"));
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
