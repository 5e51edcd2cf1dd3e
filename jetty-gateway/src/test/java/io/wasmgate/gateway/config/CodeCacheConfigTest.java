package io.wasmgate.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.abi.config.CodeCache;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway's {@code cache_dir}: on by default in the user's temporary folder, elsewhere or off as written. */
class CodeCacheConfigTest {
    private static final String REST = """
            plugins:
              - { name: add-header, module: { file: add-header.wasm }, root_id: add_header }
            log_plugins:
              - { name: log, module: { file: add-header.wasm }, root_id: add_header }
            clusters:
              - { name: backend, url: "http://127.0.0.1:9000" }
            routes:
              - { match: { prefix: / }, cluster: backend, plugins: [add-header] }
            """;

    @TempDir
    Path dir;

    @BeforeEach
    void copyModule() throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("wasmgate/policies/add-header.wasm")) {
            Files.write(dir.resolve("add-header.wasm"), in.readAllBytes());
        }
    }

    private GatewayConfig load(String yaml) throws IOException {
        return GatewayConfigLoader.load(Files.writeString(dir.resolve("gateway.yaml"), yaml));
    }

    private static Optional<Path> cacheDir(PluginConfig plugin) {
        return plugin.codeCache().map(CodeCache::dir);
    }

    @Test
    void withoutCacheDirEveryPluginUsesTheUsersFolderInTheTemporaryDirectory() throws IOException {
        GatewayConfig config = load(REST);

        Path expected = Path.of(System.getProperty("java.io.tmpdir"), "wasmgate-" + System.getProperty("user.name"), "code-cache")
                .toAbsolutePath().normalize();
        assertThat(CodeCache.defaultDir()).isEqualTo(expected);
        assertThat(cacheDir(config.plugins().plugins().get(0))).contains(expected);
        assertThat(cacheDir(config.plugins().logPlugins().get(0))).contains(expected);
    }

    @Test
    void aWrittenCacheDirIsRelativeToTheFilesFolder() throws IOException {
        GatewayConfig config = load("cache_dir: cache/code\n" + REST);

        assertThat(cacheDir(config.plugins().plugins().get(0))).contains(dir.resolve("cache/code").toAbsolutePath().normalize());
    }

    @Test
    void anAbsoluteCacheDirIsTakenAsWritten() throws IOException {
        Path elsewhere = dir.resolve("var").toAbsolutePath();
        GatewayConfig config = load("cache_dir: " + elsewhere + "\n" + REST);

        assertThat(cacheDir(config.plugins().logPlugins().get(0))).contains(elsewhere);
    }

    @Test
    void offTurnsTheCodeCacheOff() throws IOException {
        assertThat(load("cache_dir: off\n" + REST).plugins().plugins().get(0).codeCache()).isEmpty();
        assertThat(load("cache_dir: ''\n" + REST).plugins().plugins().get(0).codeCache()).isEmpty();
    }
}
