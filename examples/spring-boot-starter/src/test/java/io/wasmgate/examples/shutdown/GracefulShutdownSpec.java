package io.wasmgate.examples.shutdown;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.examples.starter.StarterExampleApplication;
import io.wasmgate.spring.boot.WasmgatePlugins;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Graceful shutdown ({@code server.shutdown=graceful}): the plugins stop only after the web server drained,
 * whatever the container. The application is configured by {@code shutdown.yaml}.
 */
public abstract class GracefulShutdownSpec {
    @Test
    void aRequestInFlightWhenTheApplicationClosesCompletesThroughThePlugins() throws Exception {
        try (HeldAuthorizationService authz = new HeldAuthorizationService()) {
            ConfigurableApplicationContext context = new SpringApplicationBuilder(StarterExampleApplication.class)
                    .initializers(app -> app.getBeanFactory().registerSingleton("releaseWhenShuttingDown",
                            new ReleaseWhenShuttingDown(authz)))
                    .run("--spring.config.name=shutdown", "--server.port=0", "--authz.url=" + authz.url());
            int port = ((WebServerApplicationContext) context).getWebServer().getPort();
            WasmgatePlugins plugins = context.getBean(WasmgatePlugins.class);
            CompletableFuture<HttpResponse<String>> inFlight = HttpClient.newHttpClient().sendAsync(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/hello")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(authz.awaitCheck()).isTrue();

            context.close();

            HttpResponse<String> response = inFlight.get(30, TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("hello, nobody");
            assertThat(response.headers().firstValue("x-policy")).hasValue("on");
            assertThat(plugins.isRunning()).isFalse();
        }
    }
}
