package io.wasmgate.examples.boot2;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.testing.Poll;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The javax filter in a Spring Boot 2.7 application on its embedded Tomcat 9, through real HTTP: the
 * {@code test-actions} policy (driven by the request header {@code x-test-action}) then {@code add-header},
 * with {@code access-log} as log plugin.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(classes = Boot2Application.class, webEnvironment = WebEnvironment.RANDOM_PORT)
class Boot2ApplicationTest {
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    int port;

    private HttpResponse<String> get(String path, String action) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        if (action != null) {
            request.header("x-test-action", action);
        }
        return client.send(request.build(), BodyHandlers.ofString());
    }

    @Test
    void theControllerAnswersWithTheHeadersThePoliciesAdd() throws Exception {
        HttpResponse<String> response = get("/hello", "headers");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello, resumed=no");
        assertThat(response.headers().firstValue("x-resp-added")).hasValue("yes");
        assertThat(response.headers().firstValue("x-wasmgate")).hasValue("hello");
    }

    @Test
    void bootsJsonAnswerPassesThePlugins() throws Exception {
        HttpResponse<String> response = get("/greeting.json", null);

        assertThat(response.headers().firstValue("content-type").orElseThrow()).startsWith("application/json");
        assertThat(response.body()).isEqualTo("{\"greeting\":\"hello\"}");
        assertThat(response.headers().firstValue("x-wasmgate")).hasValue("hello");
    }

    @Test
    void aDeferredResultIsAnsweredThroughThePluginsOnTheAsyncDispatch() throws Exception {
        HttpResponse<String> response = get("/deferred", "replace-response-body");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("replaced response body");
        assertThat(response.headers().firstValue("x-wasmgate")).hasValue("hello");
    }

    @Test
    void aLocalReplyAnswersBeforeTheController() throws Exception {
        HttpResponse<String> response = get("/hello", "local-reply-403");

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).isEqualTo("forbidden by policy");
    }

    @Test
    void aPausedRequestReachesTheControllerOnceATickResumesIt() throws Exception {
        HttpResponse<String> response = get("/hello", "pause");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello, resumed=tick");
    }

    @Test
    void aTrapFailsTheRequestClosedAndTheNextOneIsServed() throws Exception {
        assertThat(get("/hello", "trap").statusCode()).isEqualTo(503);
        assertThat(get("/hello", null).statusCode()).isEqualTo(200);
    }

    @Test
    void theLogPluginRecordsEachExchangeThroughTheApplicationsLogging(CapturedOutput output) throws Exception {
        get("/deferred?log=boot", null);

        Poll.until("the access log line", () -> output.getOut().contains("access GET /deferred?log=boot 200"));
    }
}
