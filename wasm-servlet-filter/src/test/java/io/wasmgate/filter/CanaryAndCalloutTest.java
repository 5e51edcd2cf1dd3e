package io.wasmgate.filter;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.wasmgate.filter.config.YamlConfigLoader;
import io.wasmgate.filter.testing.JettyServer;
import io.wasmgate.filter.testing.TestServer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A filter configured by YAML runs canary versions by their weight, and calls out to its clusters. */
class CanaryAndCalloutTest {
    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final TestServer server = new JettyServer();
    private HttpServer callee;

    /** Answers with the request header {@code x-answer} the relay policy sets. */
    private static final class AnswerServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.getWriter().print("answer=" + request.getHeader("x-answer"));
        }
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
        if (callee != null) {
            callee.stop(0);
        }
    }

    private void start(String yaml) throws Exception {
        Files.createDirectories(dir.resolve("policies"));
        for (String name : new String[] {"policies/add-header", "fixtures/callout-relay"}) {
            try (InputStream in = getClass().getClassLoader().getResourceAsStream("wasmgate/" + name + ".wasm")) {
                Files.write(dir.resolve("policies").resolve(name.substring(name.indexOf('/') + 1) + ".wasm"), in.readAllBytes());
            }
        }
        Path file = Files.writeString(dir.resolve("filter.yaml"), yaml);
        server.start(new ProxyWasmFilter(YamlConfigLoader.load(file)), new AnswerServlet(), true);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(server.uri(TestServer.CONTEXT + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyStreamRunsTheCanaryAtWeightHundredAndNoneAtZero() throws Exception {
        start("""
                plugins:
                  - name: all
                    module: { file: policies/add-header.wasm }
                    root_id: add_header
                    configuration: "x-all: stable"
                    instances: 1
                    canary: { module: { file: policies/add-header.wasm }, configuration: "x-all: canary", weight: 100 }
                  - name: none
                    module: { file: policies/add-header.wasm }
                    root_id: add_header
                    configuration: "x-none: stable"
                    instances: 1
                    canary: { module: { file: policies/add-header.wasm }, configuration: "x-none: canary", weight: 0 }
                """);

        for (int i = 0; i < 20; i++) {
            HttpResponse<String> response = get("/x");
            assertThat(response.headers().firstValue("x-all")).hasValue("canary");
            assertThat(response.headers().firstValue("x-none")).hasValue("stable");
        }
    }

    @Test
    void proxyHttpCallReachesAClusterOfTheSameFile() throws Exception {
        callee = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        callee.createContext("/", exchange -> {
            byte[] body = ("callee saw " + exchange.getRequestURI().getPath()).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        callee.start();
        start("""
                plugins:
                  - name: relay
                    module: { file: policies/callout-relay.wasm }
                    instances: 1
                clusters:
                  - { name: upstream, url: "http://127.0.0.1:%d" }
                """.formatted(callee.getAddress().getPort()));

        HttpResponse<String> response = get("/ask");

        assertThat(response.body()).isEqualTo("answer=callee saw " + TestServer.CONTEXT + "/ask");
    }
}
