package io.wasmgate.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Without a configuration the gateway serves its demo: sample policies in front of an echo. */
class DemoTest {
    @Test
    void theDemoAnswersWithThePolicysHeaderAndSaysWhatToCurl() throws Exception {
        Demo demo = new Demo(0, 0);
        demo.start();
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(demo.gateway().proxyUri().resolve("/hello?name=wasm")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("x-wasmgate")).hasValue("hello");
            assertThat(Demo.HEADER).isEqualTo("x-wasmgate: hello");
            assertThat(response.body()).contains("\"path\" : \"/hello\"").contains("\"query\" : \"name=wasm\"")
                    .contains("\"via\"");
            assertThat(demo.instructions()).contains("curl -i " + demo.gateway().proxyUri() + "/hello")
                    .contains(Demo.HEADER);
        } finally {
            demo.stop();
        }
    }

    @Test
    void theDemoRateLimitsItsLimitedRouteAndCountsRequestsByRoute() throws Exception {
        Demo demo = new Demo(0, 0);
        demo.start();
        try {
            HttpClient client = HttpClient.newHttpClient();
            HttpRequest limited = HttpRequest.newBuilder(demo.gateway().proxyUri().resolve(Demo.LIMITED)).build();
            for (int i = 0; i < Demo.LIMIT; i++) {
                assertThat(client.send(limited, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            }
            HttpResponse<String> refused = client.send(limited, HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("retry-after")).isPresent();

            String scrape = client.send(HttpRequest.newBuilder(demo.gateway().adminUri().resolve("/stats/prometheus")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(scrape).contains("route_requests_limited_2xx_total").contains("route_requests_limited_4xx_total");
        } finally {
            demo.stop();
        }
    }
}
