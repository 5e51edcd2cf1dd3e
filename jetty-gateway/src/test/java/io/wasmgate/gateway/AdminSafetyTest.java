package io.wasmgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wasmgate.abi.testing.RecordingUpstream;
import io.wasmgate.gateway.testing.GatewayFixture;
import io.wasmgate.gateway.testing.Upstream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin port is safe by default: it hides plugin secrets, answers only to its own host names (no DNS
 * rebinding), takes no state change from another origin or a CORS-simple POST, and with a token file wants
 * the token. Requests go to the real admin port with raw headers.
 */
class AdminSafetyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "x-api-key: s3cr3t-k3y-v4lu3";
    private static final String VM_SECRET = "hmac-secret-0123456789";
    private static final String ENV_SECRET = "upstream-token-9876543210";

    @TempDir
    Path dir;

    Upstream upstream;
    GatewayFixture gateway;

    @BeforeEach
    void startUpstream() throws Exception {
        upstream = Upstream.start("backend");
    }

    @AfterEach
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        upstream.close();
    }

    private void start(String admin) throws Exception {
        gateway = GatewayFixture.start(dir, """
                listen: { host: 127.0.0.1, port: 0 }
                admin: { host: %s }
                plugins:
                  - name: keys
                    module: { file: policies/add-header.wasm }
                    root_id: add_header
                    configuration: "%s"
                    vm_configuration: "%s"
                    environment: { UPSTREAM_TOKEN: "%s" }
                clusters:
                  - { name: backend, url: "%s" }
                routes:
                  - { match: { prefix: / }, cluster: backend, plugins: [ keys ] }
                """.formatted(admin, SECRET, VM_SECRET, ENV_SECRET, upstream.uri()));
    }

    private int adminPort() {
        return gateway.gateway().adminUri().getPort();
    }

    /** Sends {@code head} (request line and headers, without the blank line) and the body to the admin port. */
    private String raw(String head, String body) throws Exception {
        String request = head.replace("PORT", String.valueOf(adminPort())) + "\r\nConnection: close\r\n\r\n" + body;
        return RecordingUpstream.exchange(adminPort(), request.replace("\r\n", "\n").replace("\n", "\r\n"), Duration.ofSeconds(5));
    }

    private static int status(String response) {
        return Integer.parseInt(response.substring(9, 12));
    }

    private String reload(String headers, String body) throws Exception {
        return raw("POST /reload HTTP/1.1\nHost: 127.0.0.1:PORT" + headers, body);
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void configDumpHidesPluginConfigurationAndEnvironmentByDefault() throws Exception {
        start("127.0.0.1, port: 0");

        HttpResponse<String> dump = gateway.adminGet("/config_dump");

        JsonNode plugin = JSON.readTree(dump.body()).get("plugins").get(0);
        assertThat(dump.body()).doesNotContain("s3cr3t").doesNotContain(VM_SECRET).doesNotContain(ENV_SECRET);
        assertThat(plugin.get("configuration").get("sha256").asText()).isEqualTo(sha256(SECRET));
        assertThat(plugin.get("configuration").get("bytes").asInt()).isEqualTo(SECRET.length());
        assertThat(plugin.get("vm_configuration").get("sha256").asText()).isEqualTo(sha256(VM_SECRET));
        assertThat(plugin.get("vm_configuration").get("bytes").asInt()).isEqualTo(VM_SECRET.length());
        assertThat(plugin.get("environment").get("UPSTREAM_TOKEN").get("sha256").asText()).isEqualTo(sha256(ENV_SECRET));
        assertThat(plugin.get("environment").get("UPSTREAM_TOKEN").get("bytes").asInt()).isEqualTo(ENV_SECRET.length());
        assertThat(JSON.readTree(dump.body()).get("admin").get("expose_configuration").asBoolean()).isFalse();
    }

    @Test
    void configDumpShowsPluginConfigurationAndEnvironmentWhenExposed() throws Exception {
        start("127.0.0.1, port: 0, expose_configuration: true");

        JsonNode plugin = JSON.readTree(gateway.adminGet("/config_dump").body()).get("plugins").get(0);

        assertThat(plugin.get("configuration").asText()).isEqualTo(SECRET);
        assertThat(plugin.get("vm_configuration").asText()).isEqualTo(VM_SECRET);
        assertThat(plugin.get("environment").get("UPSTREAM_TOKEN").asText()).isEqualTo(ENV_SECRET);
    }

    @Test
    void aForeignHostIsMisdirectedWithOrWithoutPort() throws Exception {
        start("127.0.0.1, port: 0");

        assertThat(status(raw("GET /config_dump HTTP/1.1\nHost: rebound.attacker.example", ""))).isEqualTo(421);
        assertThat(status(raw("GET /config_dump HTTP/1.1\nHost: rebound.attacker.example:PORT", ""))).isEqualTo(421);
        assertThat(status(raw("GET /ready HTTP/1.1\nHost: rebound.attacker.example:PORT", ""))).isEqualTo(421);
        assertThat(status(raw("GET http://rebound.attacker.example/plugins HTTP/1.0", "")))
                .as("an absolute request target names the host too").isEqualTo(421);
        assertThat(status(raw("GET http://rebound.attacker.example/plugins HTTP/1.1\nHost: 127.0.0.1:PORT", "")))
                .as("Jetty itself refuses a Host that disagrees with the target").isEqualTo(400);
        assertThat(status(raw("POST /reload HTTP/1.1\nHost: rebound.attacker.example:PORT", ""))).isEqualTo(421);
    }

    @Test
    void theBindAddressAndLocalhostAreTheAdminsOwnHosts() throws Exception {
        start("127.0.0.1, port: 0");

        for (String host : new String[] {"127.0.0.1", "127.0.0.1:PORT", "localhost", "LocalHost:PORT"}) {
            assertThat(status(raw("GET /config_dump HTTP/1.1\nHost: " + host, ""))).as(host).isEqualTo(200);
        }
        assertThat(status(raw("GET /config_dump HTTP/1.0", ""))).as("no Host at all: no browser sends that").isEqualTo(200);
    }

    @Test
    void allowedHostsNameTheAdminForScrapersOnOtherMachines() throws Exception {
        start("127.0.0.1, port: 0, allowed_hosts: [ gateway ]");

        assertThat(status(raw("GET /stats/prometheus HTTP/1.1\nHost: gateway:9901", ""))).isEqualTo(200);
        assertThat(status(raw("GET /stats/prometheus HTTP/1.1\nHost: other:9901", ""))).isEqualTo(421);
    }

    @Test
    void boundToAllInterfacesAnyAddressIsItsOwnButNoOtherName() throws Exception {
        start("0.0.0.0, port: 0");

        assertThat(status(raw("GET /ready HTTP/1.1\nHost: 10.1.2.3:9901", ""))).isEqualTo(200);
        assertThat(status(raw("GET /ready HTTP/1.1\nHost: [fd00::1]:9901", ""))).isEqualTo(200);
        assertThat(status(raw("GET /ready HTTP/1.1\nHost: rebound.attacker.example:9901", ""))).isEqualTo(421);
    }

    @Test
    void reloadRefusesAnotherOrigin() throws Exception {
        start("127.0.0.1, port: 0");

        assertThat(status(reload("\nOrigin: http://attacker.example", ""))).isEqualTo(403);
        assertThat(status(reload("\nOrigin: null", ""))).isEqualTo(403);
        assertThat(status(reload("\nOrigin: http://127.0.0.1:1", ""))).isEqualTo(403);
        assertThat(status(reload("\nOrigin: http://127.0.0.1:PORT", ""))).as("its own origin").isEqualTo(200);
        assertThat(JSON.readTree(gateway.adminGet("/plugins").body()).get("last_reload").get("trigger").asText())
                .isEqualTo("admin");
    }

    @Test
    void reloadRefusesTheContentTypesACrossSitePostNeedsNoPreflightFor() throws Exception {
        start("127.0.0.1, port: 0");

        assertThat(status(reload("\nContent-Type: text/plain\nContent-Length: 2", "{}"))).isEqualTo(415);
        assertThat(status(reload("\nContent-Type: application/x-www-form-urlencoded\nContent-Length: 3", "a=b"))).isEqualTo(415);
        assertThat(status(reload("\nContent-Type: multipart/form-data; boundary=x\nContent-Length: 0", ""))).isEqualTo(415);
        assertThat(status(reload("\nContent-Length: 2", "{}"))).as("a body without a type").isEqualTo(415);
        assertThat(JSON.readTree(gateway.adminGet("/plugins").body()).get("last_reload").isNull()).as("nothing reloaded").isTrue();
    }

    @Test
    void reloadTakesJsonOrAnEmptyBody() throws Exception {
        start("127.0.0.1, port: 0");

        assertThat(status(reload("\nContent-Type: application/json; charset=utf-8\nContent-Length: 2", "{}"))).isEqualTo(200);
        assertThat(status(reload("\nContent-Length: 0", ""))).isEqualTo(200);
        assertThat(status(reload("", ""))).as("curl -X POST").isEqualTo(200);
        assertThat(gateway.reload().statusCode()).as("the JDK client's POST without a body").isEqualTo(200);
    }

    @Test
    void aTokenFileRequiresTheBearerTokenOnEveryEndpointButReady() throws Exception {
        Files.writeString(dir.resolve("admin-token"), "  t0k3n-of-the-admin\n");
        start("127.0.0.1, port: 0, token_file: admin-token");

        for (String target : new String[] {"GET /stats/prometheus", "GET /plugins", "GET /config_dump", "POST /reload", "GET /nope"}) {
            String refused = raw(target + " HTTP/1.1\nHost: 127.0.0.1:PORT", "");
            assertThat(status(refused)).as(target).isEqualTo(401);
            assertThat(refused).as(target).containsIgnoringCase("\r\nWWW-Authenticate: Bearer");
            assertThat(status(raw(target + " HTTP/1.1\nHost: 127.0.0.1:PORT\nAuthorization: Bearer t0k3n-of-the-admin-not", "")))
                    .as(target + " with a wrong token").isEqualTo(401);
            assertThat(status(raw(target + " HTTP/1.1\nHost: 127.0.0.1:PORT\nAuthorization: Basic dDBrM246", "")))
                    .as(target + " with another scheme").isEqualTo(401);
        }
        assertThat(status(raw("GET /ready HTTP/1.1\nHost: 127.0.0.1:PORT", ""))).isEqualTo(200);
        HttpResponse<String> scrape = gateway.send(HttpRequest.newBuilder(gateway.admin("/stats/prometheus"))
                .header("Authorization", "Bearer t0k3n-of-the-admin").build());
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.body()).contains("jvm_memory_used_bytes");
        HttpResponse<String> reload = gateway.send(HttpRequest.newBuilder(gateway.admin("/reload"))
                .header("Authorization", "Bearer t0k3n-of-the-admin").POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(reload.statusCode()).isEqualTo(200);
        JsonNode admin = JSON.readTree(gateway.send(HttpRequest.newBuilder(gateway.admin("/config_dump"))
                .header("Authorization", "Bearer t0k3n-of-the-admin").build()).body()).get("admin");
        assertThat(admin.get("token_file").asText()).isEqualTo(dir.resolve("admin-token").toString());
        assertThat(admin.toString()).doesNotContain("t0k3n");
    }
}
