package io.wasmgate.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.testing.Poll;
import io.wasmgate.gateway.testing.GatewayFixture;
import io.wasmgate.gateway.testing.Upstream;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM stops the gateway process gracefully: the request in flight finishes first. */
class SigtermDrainTest {
    private static final Pattern STARTED = Pattern.compile("Wasmgate gateway: proxy on (http://\\S+),");

    @TempDir
    Path dir;

    @Test
    void aRequestInFlightFinishesBeforeTheProcessExits() throws Exception {
        try (Upstream upstream = Upstream.start("backend")) {
            GatewayFixture.copyModules(dir);
            Path file = Files.writeString(dir.resolve("gateway.yaml"), GatewayFixture.PORTS + """
                    plugins:
                      - { name: headers, module: { file: policies/add-header.wasm }, root_id: add_header, instances: 1 }
                    clusters:
                      - { name: backend, url: "%s" }
                    routes:
                      - { match: { prefix: / }, cluster: backend, plugins: [ headers ] }
                    """.formatted(upstream.uri()));
            Process gateway = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), GatewayCommand.class.getName(), "--config", file.toString())
                    .redirectErrorStream(true).start();
            try {
                URI proxy = proxyUri(gateway);
                CompletableFuture<HttpResponse<String>> inFlight = HttpClient.newHttpClient().sendAsync(
                        HttpRequest.newBuilder(proxy.resolve("/slow?ms=1500")).build(), HttpResponse.BodyHandlers.ofString());
                Poll.until("the slow request at the upstream", () -> !upstream.received().isEmpty());

                gateway.destroy();

                HttpResponse<String> response = inFlight.get(10, TimeUnit.SECONDS);
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).isEqualTo("slow done");
                assertThat(response.headers().firstValue("x-wasmgate")).hasValue("hello");
                assertThat(gateway.waitFor(10, TimeUnit.SECONDS)).as("the process exited").isTrue();
            } finally {
                gateway.destroyForcibly();
            }
        }
    }

    /** Reads the process's output until it says where the proxy listens. */
    private static URI proxyUri(Process gateway) throws Exception {
        BufferedReader output = new BufferedReader(new InputStreamReader(gateway.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line = output.readLine(); line != null; line = output.readLine()) {
            seen.append(line).append('\n');
            Matcher started = STARTED.matcher(line);
            if (started.find()) {
                Thread drain = new Thread(() -> output.lines().forEach(l -> { }));
                drain.setDaemon(true);
                drain.start();
                return URI.create(started.group(1));
            }
        }
        throw new AssertionError("the gateway did not start:\n" + seen);
    }
}
