package io.wasmgate.filter;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.filter.testing.LoggedLines;
import io.wasmgate.filter.testing.TomcatServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The example WAR the build packages, deployed into Tomcat as a .war file and called over HTTP. */
class ExampleWarIT {
    /** What the WAR's SLF4J provider (slf4j-jdk14) writes of the access-log plugin's lines. */
    private final LoggedLines accessLines = LoggedLines.of("wasmgate.plugin.access-log");
    private Tomcat tomcat;

    @AfterEach
    void stop() throws Exception {
        accessLines.close();
        if (tomcat != null) {
            tomcat.stop();
            tomcat.destroy();
        }
    }

    @Test
    void theWarServesItsApplicationBehindThePolicyItShips() throws Exception {
        Path war = Path.of(System.getProperty("example.war", "target/example.war"));
        assertThat(war).exists();
        tomcat = TomcatServer.newTomcat();
        tomcat.setAddDefaultWebXmlToWebapp(false);
        TomcatServer.deployWar(tomcat, "/example", war);
        tomcat.start();

        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        URI uri = URI.create("http://127.0.0.1:" + tomcat.getConnector().getLocalPort() + "/example/hello");
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("Hello from behind Wasmgate\n");
        assertThat(response.headers().firstValue("x-served-by")).hasValue("wasmgate");
        assertThat(response.headers().firstValue("cache-control")).hasValue("no-store");
        assertThat(tomcat.getHost().getAppBaseFile().toPath().resolve("example")).as("Tomcat unpacked the WAR").isDirectory();
    }

    @Test
    void thePluginsLogsReachTheContainersLoggingThroughTheProviderTheWarShips() throws Exception {
        Path war = Path.of(System.getProperty("example.war", "target/example.war"));
        tomcat = TomcatServer.newTomcat();
        tomcat.setAddDefaultWebXmlToWebapp(false);
        TomcatServer.deployWar(tomcat, "/example", war);
        tomcat.start();

        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        URI uri = URI.create("http://127.0.0.1:" + tomcat.getConnector().getLocalPort() + "/example/hello");
        client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(), BodyHandlers.discarding());

        // proxy_on_log runs once the response is complete, possibly after the client has it.
        assertThat(accessLines.next(Duration.ofSeconds(10))).isEqualTo("wasm log access-log: access GET /example/hello 200");
    }
}
