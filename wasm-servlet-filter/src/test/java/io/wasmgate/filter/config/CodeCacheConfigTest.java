package io.wasmgate.filter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.abi.plugin.Plugin;
import io.wasmgate.abi.config.CodeCache;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The filter's {@code cache_dir}: no code cache unless the file names a folder for it. */
class CodeCacheConfigTest {
    private static final String PLUGINS = """
            plugins:
              - name: add-header
                module: { file: policies/add-header.wasm }
                root_id: add_header
                instances: 1
            """;

    @TempDir
    Path dir;

    @BeforeEach
    void copyModule() throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("wasmgate/policies/add-header.wasm")) {
            Files.createDirectories(dir.resolve("policies"));
            Files.write(dir.resolve("policies/add-header.wasm"), in.readAllBytes());
        }
    }

    private PluginChainConfig load(String yaml) throws IOException {
        return YamlConfigLoader.load(Files.writeString(dir.resolve("filter.yaml"), yaml));
    }

    @Test
    void withoutCacheDirThePluginsHaveNoCodeCache() throws IOException {
        PluginChainConfig config = load(PLUGINS);

        assertThat(config.plugins()).singleElement().extracting(PluginConfig::codeCache).isEqualTo(Optional.empty());
    }

    @Test
    void aRelativeCacheDirIsAFolderBesideTheFileAndAStartStoresTheCompiledCodeThere() throws IOException {
        PluginChainConfig config = load("cache_dir: code-cache\n" + PLUGINS);

        CodeCache cache = config.plugins().get(0).codeCache().orElseThrow();
        assertThat(cache.dir()).isEqualTo(dir.resolve("code-cache").toAbsolutePath().normalize());
        try (Plugin plugin = Plugin.start(config.plugins().get(0))) {
            assertThat(plugin.code().sha256()).isNotEmpty();
        }
        try (Stream<Path> files = Files.list(cache.dir())) {
            assertThat(files.map(f -> f.getFileName().toString())).singleElement().asString().endsWith(".code");
        }
    }

    @Test
    void offOrEmptyMeansNoCodeCache() throws IOException {
        assertThat(load("cache_dir: off\n" + PLUGINS).plugins().get(0).codeCache()).isEmpty();
        assertThat(load("cache_dir: \"\"\n" + PLUGINS).plugins().get(0).codeCache()).isEmpty();
    }

    @Test
    void aRelativeCacheDirWithoutAFolderToResolveItAgainstIsRejected() {
        InputStream in = new ByteArrayInputStream(("cache_dir: code-cache\nplugins:\n  - name: a\n"
                + "    module: { classpath: wasmgate/policies/add-header.wasm }\n").getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> YamlConfigLoader.load(in, "inline")).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.problems()).extracting(ConfigProblem::describe).containsExactly(
                        "cache_dir = 'code-cache': a relative folder needs a configuration file to be relative to; "
                                + "write an absolute path"));
    }

    @Test
    void aCacheDirThatIsNoPathIsRejected() {
        assertThatThrownBy(() -> load("cache_dir: \"a\\0b\"\n" + PLUGINS)).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.problems()).extracting(ConfigProblem::describe).singleElement().asString()
                        .startsWith("cache_dir = 'a").contains("not a folder path"));
    }
}
