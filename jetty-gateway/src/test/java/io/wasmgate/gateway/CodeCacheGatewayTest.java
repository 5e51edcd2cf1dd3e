package io.wasmgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wasmgate.gateway.testing.GatewayFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A started gateway has stored its plugins' compiled code in {@code cache_dir}, and the next start loads it from there. */
class CodeCacheGatewayTest {
    @TempDir
    Path dir;

    @Test
    void startingTheGatewayStoresEachModulesCompiledCodeInTheCacheDir() throws Exception {
        String yaml = GatewayFixture.PORTS + """
                cache_dir: ../code-cache
                plugins:
                  - { name: add-header, module: { file: policies/add-header.wasm }, root_id: add_header, instances: 1 }
                clusters:
                  - { name: backend, url: "http://127.0.0.1:9" }
                routes:
                  - { match: { prefix: / }, cluster: backend, plugins: [add-header] }
                """;
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(GatewayFixture.module("policies/add-header")));

        try (GatewayFixture gateway = GatewayFixture.start(dir.resolve("first"), yaml);
                Stream<Path> files = Files.list(dir.resolve("code-cache"))) {
            assertThat(files.map(file -> file.getFileName().toString()))
                    .singleElement().asString().startsWith(sha256 + "-").endsWith(".code");
            assertThat(codeFromCache(gateway)).as("first start: compiled").isFalse();
        }
        // From another directory, so that the module's origin differs and the code kept in memory does not answer.
        try (GatewayFixture restarted = GatewayFixture.start(dir.resolve("second"), yaml)) {
            assertThat(codeFromCache(restarted)).as("restart: loaded from cache_dir").isTrue();
        }
    }

    /** {@code code_from_cache} of the only plugin's stable version in {@code GET /plugins}. */
    private static boolean codeFromCache(GatewayFixture gateway) throws Exception {
        JsonNode plugin = new ObjectMapper().readTree(gateway.adminGet("/plugins").body()).get("plugins").get(0);
        assertThat(plugin.get("name").asText()).isEqualTo("add-header");
        return plugin.get("versions").get(0).get("code_from_cache").asBoolean();
    }
}
