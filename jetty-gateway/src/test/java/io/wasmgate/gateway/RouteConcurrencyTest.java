package io.wasmgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.gateway.testing.GatewayFixture;
import io.wasmgate.gateway.testing.HoldingUpstream;
import io.wasmgate.gateway.testing.Upstream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A route's {@code max_concurrent_requests}: one request more than it allows is a 503 at once, and the place
 * of an answered request is free by the time its client has read the answer.
 */
class RouteConcurrencyTest {
    /** Enough back-to-back requests that a place given back after the client reads its answer shows. */
    private static final int BACK_TO_BACK = 300;

    @TempDir
    static Path dir;

    static Upstream upstream;
    static HoldingUpstream holding;
    static GatewayFixture gateway;

    private final List<Socket> open = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        upstream = Upstream.start("backend");
        holding = HoldingUpstream.start();
        GatewayFixture.copyModules(dir);
        gateway = GatewayFixture.start(dir, GatewayFixture.PORTS + """
                plugins:
                  - { name: actions, module: { file: policies/test-actions.wasm } }
                clusters:
                  - { name: backend, url: "%s" }
                  - { name: holding, url: "%s" }
                routes:
                  - { name: plain, match: { prefix: /plain }, cluster: backend, max_concurrent_requests: 1 }
                  - { name: plugged, match: { prefix: /plugged }, cluster: backend, plugins: [ actions ],
                      max_concurrent_requests: 1 }
                  - { name: held, match: { prefix: /held }, cluster: holding, max_concurrent_requests: 1 }
                """.formatted(upstream.uri(), holding.uri()));
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        holding.close();
        upstream.close();
    }

    @AfterEach
    void closeSockets() throws IOException {
        for (Socket socket : open) {
            socket.close();
        }
        open.clear();
    }

    @ParameterizedTest(name = "on the route {0}")
    @ValueSource(strings = {"plain", "plugged"})
    void aClientAskingAgainOnANewConnectionAsSoonAsItHasItsAnswerFindsThePlaceFree(String route) throws Exception {
        List<String> statuses = new ArrayList<>();
        for (int i = 0; i < BACK_TO_BACK; i++) {
            // Each on a connection of its own, left open: the gateway has not ended the exchange when the
            // client holds the whole answer and asks again.
            statuses.add(exchange("/" + route + "/" + i));
        }

        assertThat(statuses).containsOnly("200");
        Prometheus metrics = Prometheus.parse(gateway.adminGet("/stats/prometheus").body());
        assertThat(metrics.find("wasmgate_gateway_route_concurrency_limited_total", "route", route)).isEmpty();
    }

    @Test
    void aRequestBeyondTheLimitIs503WhileThePlaceIsTakenAndServedOnceItIsFree() throws Exception {
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
            try {
                return exchange("/held/first");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        holding.awaitArrivals(1);

        String refused = exchangeWithBody("/held/second");
        holding.release();

        assertThat(refused).startsWith("503\n").endsWith("route_concurrency_limit\n");
        assertThat(first.get()).isEqualTo("200");
        assertThat(exchange("/held/third")).isEqualTo("200");
        Prometheus metrics = Prometheus.parse(gateway.adminGet("/stats/prometheus").body());
        assertThat(metrics.value("wasmgate_gateway_route_concurrency_limited_total", "route", "held")).hasValue(1.0);
    }

    /** The status code of {@code GET target}, read to the end of its body on a connection left open. */
    private String exchange(String target) throws IOException {
        return exchangeWithBody(target).lines().findFirst().orElseThrow();
    }

    /** The status code, a newline and the body of {@code GET target}, on a connection left open. */
    private String exchangeWithBody(String target) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), gateway.proxy("/").getPort());
        synchronized (open) {
            open.add(socket);
        }
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: gw\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        String head = line(in);
        String status = head.split(" ")[1];
        int length = -1;
        boolean chunked = false;
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(lower.substring(15).trim());
            }
            chunked |= lower.startsWith("transfer-encoding:") && lower.contains("chunked");
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            for (int size = Integer.parseInt(line(in).trim(), 16); size > 0; size = Integer.parseInt(line(in).trim(), 16)) {
                body.write(in.readNBytes(size));
                line(in);
            }
            line(in);
        } else {
            assertThat(length).as("a framed answer to %s", target).isNotNegative();
            body.write(in.readNBytes(length));
        }
        return status + "\n" + body.toString(StandardCharsets.UTF_8);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("the connection ended within a line: " + line);
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }
}
