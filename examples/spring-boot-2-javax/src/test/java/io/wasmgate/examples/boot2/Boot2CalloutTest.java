package io.wasmgate.examples.boot2;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A plugin's {@code proxy_http_call} from the Boot 2.7 application goes out through the filter's own
 * (relocated) Jetty 12 client while Boot's BOM puts Jetty 9.4 on the class path: the {@code callout-relay}
 * fixture asks the cluster {@code upstream} and hands its answer to the controller.
 */
@SpringBootTest(classes = Boot2Application.class, webEnvironment = WebEnvironment.RANDOM_PORT)
class Boot2CalloutTest {
    private static HttpServer upstream;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void relayConfiguration(DynamicPropertyRegistry registry) throws IOException {
        upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        upstream.createContext("/", exchange -> {
            byte[] body = ("upstream saw " + exchange.getRequestURI().getPath()).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        upstream.start();
        Path config = Files.createTempFile("wasmgate-relay", ".yaml");
        config.toFile().deleteOnExit();
        Files.writeString(config, """
                plugins:
                  - name: relay
                    module: { classpath: wasmgate/fixtures/callout-relay.wasm }
                    instances: 1
                clusters:
                  - { name: upstream, url: "http://127.0.0.1:%d" }
                """.formatted(upstream.getAddress().getPort()));
        registry.add("wasmgate.config", () -> config.toUri().toString());
    }

    @AfterAll
    static void stopUpstream() {
        upstream.stop(0);
    }

    @Test
    void theControllerSeesTheAnswerThePluginFetchedFromItsCluster() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/answer")).build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("answer=upstream saw /answer");
    }
}
