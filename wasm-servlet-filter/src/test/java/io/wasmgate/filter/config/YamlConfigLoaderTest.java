package io.wasmgate.filter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.config.FailurePolicy;
import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.filter.PathParameters;
import io.wasmgate.filter.callout.Cluster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YamlConfigLoaderTest {
    @TempDir
    Path dir;

    private byte[] module;

    @BeforeEach
    void copyModule() throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("wasmgate/policies/add-header.wasm")) {
            module = in.readAllBytes();
        }
        Files.createDirectories(dir.resolve("policies"));
        Files.write(dir.resolve("policies/add-header.wasm"), module);
    }

    private Path yaml(String text) throws IOException {
        Path file = dir.resolve("filter.yaml");
        Files.writeString(file, text);
        return file;
    }

    private ConfigException rejected(String text) throws IOException {
        Path file = yaml(text);
        try {
            YamlConfigLoader.load(file);
        } catch (ConfigException e) {
            assertThat(e.file()).isEqualTo(file.toString());
            assertThat(e.getMessage()).startsWith("invalid Wasmgate configuration " + file);
            return e;
        }
        throw new AssertionError("accepted: " + text);
    }

    @Test
    void everyPluginPropertyIsRead() throws Exception {
        PluginChainConfig config = YamlConfigLoader.load(yaml("""
                plugins:
                  - name: headers
                    module: { file: policies/add-header.wasm }
                    root_id: add_header
                    vm_id: shared
                    configuration: |
                      x-a: 1
                    vm_configuration: boot
                    engine: interpreter
                    instances: 2
                    failure_policy: fail_open
                    allow_on_headers_stop_iteration: true
                    environment: { REGION: eu-west-1 }
                    limits:
                      memory: 16MiB
                      callback_deadline: 250ms
                      pause_deadline: 2s
                      max_buffered_body: 512KiB
                  - name: json
                    module: { classpath: wasmgate/policies/add-header.wasm }
                    configuration: { header: x-api-key, values: [1, 2] }
                log_plugins:
                  - name: access
                    module: { file: policies/add-header.wasm }
                services:
                  - name: ticker
                    module: { file: ./policies/../policies/add-header.wasm }
                clusters:
                  - name: backend
                    url: http://127.0.0.1:9000
                    http2: true
                    connect_timeout: 1s
                    timeout: 1m
                    max_connections: 8
                    max_pending_requests: 16
                """));

        PluginConfig headers = config.plugins().get(0);
        assertThat(headers.name()).isEqualTo("headers");
        assertThat(headers.module().origin()).isEqualTo(dir.resolve("policies/add-header.wasm").toString());
        assertThat(headers.rootId()).isEqualTo("add_header");
        assertThat(headers.vmId()).isEqualTo("shared");
        assertThat(headers.configuration()).asString(StandardCharsets.UTF_8).isEqualTo("x-a: 1\n");
        assertThat(headers.vmConfiguration()).asString(StandardCharsets.UTF_8).isEqualTo("boot");
        assertThat(headers.engine()).isEqualTo(Engine.INTERPRETER);
        assertThat(headers.instances()).isEqualTo(2);
        assertThat(headers.failurePolicy()).isEqualTo(FailurePolicy.FAIL_OPEN);
        assertThat(headers.allowOnHeadersStopIteration()).isTrue();
        assertThat(headers.environment()).isEqualTo(Map.of("REGION", "eu-west-1"));
        assertThat(headers.limits().memoryBytes()).isEqualTo(16 * 1024 * 1024L);
        assertThat(headers.limits().callbackDeadline()).isEqualTo(Duration.ofMillis(250));
        assertThat(headers.limits().pauseDeadline()).isEqualTo(Duration.ofSeconds(2));
        assertThat(headers.limits().maxBufferedBody()).isEqualTo(512 * 1024L);

        PluginConfig json = config.plugins().get(1);
        assertThat(json.module().origin()).isEqualTo("classpath:wasmgate/policies/add-header.wasm");
        assertThat(json.configuration()).asString(StandardCharsets.UTF_8).isEqualTo("{\"header\":\"x-api-key\",\"values\":[1,2]}");
        assertThat(json.engine()).isEqualTo(Engine.COMPILER);
        assertThat(json.failurePolicy()).isEqualTo(FailurePolicy.FAIL_CLOSED);
        assertThat(json.rootId()).isEmpty();
        assertThat(json.allowOnHeadersStopIteration()).as("Envoy's default").isFalse();

        assertThat(config.logPlugins()).extracting(PluginConfig::name).containsExactly("access");
        assertThat(config.services()).extracting(PluginConfig::name).containsExactly("ticker");
        assertThat(config.services().get(0).module().origin()).isEqualTo(dir.resolve("policies/add-header.wasm").toString());
        assertThat(config.clusters()).containsExactly(new Cluster("backend", URI.create("http://127.0.0.1:9000"), true,
                Duration.ofSeconds(1), Duration.ofMinutes(1), 8, 16));
    }

    @Test
    void maxPendingRequestsDefaultsToEnvoys1024AndMustBeAPositiveWholeNumber() throws Exception {
        PluginChainConfig config = YamlConfigLoader.load(yaml("""
                clusters:
                  - { name: backend, url: "http://127.0.0.1:9000" }
                """));
        assertThat(config.clusters().get(0).maxPendingRequests()).isEqualTo(Cluster.DEFAULT_MAX_PENDING_REQUESTS).isEqualTo(1024);

        ConfigException e = rejected("""
                clusters:
                  - { name: none, url: "http://127.0.0.1:9000", max_pending_requests: 0 }
                  - { name: negative, url: "http://127.0.0.1:9000", max_pending_requests: -5 }
                  - { name: words, url: "http://127.0.0.1:9000", max_pending_requests: lots }
                """);
        assertThat(e.problems()).extracting(ConfigProblem::describe).containsExactlyInAnyOrder(
                "clusters[0] 'none': max_pending_requests = '0': must be at least 1",
                "clusters[1] 'negative': max_pending_requests = '-5': must be at least 1",
                "clusters[2] 'words': max_pending_requests = 'lots': expected a whole number (line 4)");
    }

    @Test
    void pathParametersAreStrippedUnlessTheFileSaysRejectOrKeep() throws Exception {
        String plugins = """
                plugins:
                  - { name: headers, module: { file: policies/add-header.wasm } }
                """;
        assertThat(YamlConfigLoader.load(yaml(plugins)).pathParameters()).isEqualTo(PathParameters.STRIP);
        assertThat(YamlConfigLoader.load(yaml(plugins + "path_parameters: reject\n")).pathParameters())
                .isEqualTo(PathParameters.REJECT);
        assertThat(YamlConfigLoader.load(yaml(plugins + "path_parameters: keep\n")).pathParameters())
                .isEqualTo(PathParameters.KEEP);

        ConfigException e = rejected(plugins + "path_parameters: drop\n");
        assertThat(e.problems()).extracting(ConfigProblem::describe).containsExactly(
                "path_parameters = 'drop': must be one of strip, reject, keep");
    }

    @Test
    void sharedQueuesHold64MiBUnlessTheFileSaysOtherwise() throws Exception {
        String plugins = """
                plugins:
                  - { name: headers, module: { file: policies/add-header.wasm } }
                """;
        assertThat(YamlConfigLoader.load(yaml(plugins)).sharedQueueMaxBytes()).isEqualTo(64L * 1024 * 1024);
        assertThat(YamlConfigLoader.load(yaml(plugins + "shared_queue_limit: 2MiB\n")).sharedQueueMaxBytes())
                .isEqualTo(2L * 1024 * 1024);

        assertThat(rejected(plugins + "shared_queue_limit: 512\n").problems()).extracting(ConfigProblem::describe)
                .containsExactly("shared_queue_limit = '512': must be at least 1KiB");
        assertThat(rejected(plugins + "shared_queue_limit: lots\n").problems()).extracting(ConfigProblem::describe)
                .containsExactly("shared_queue_limit = 'lots': not a size; write e.g. 512KiB or 64MiB");
    }

    @Test
    void unknownKeysAreNamedWithTheirLine() throws Exception {
        ConfigException e = rejected("""
                plugins:
                  - name: headers
                    module: { file: policies/add-header.wasm }
                    limits:
                      memroy: 1MiB
                    colour: blue
                log_plugin: []
                """);

        assertThat(e.problems()).extracting(ConfigProblem::describe).containsExactly(
                "plugins[0] 'headers': limits.memroy: unknown key (line 5)",
                "plugins[0] 'headers': colour: unknown key (line 6)",
                "log_plugin: unknown key (line 7)");
    }

    @Test
    void everyProblemIsReportedAtOnceWithPluginPropertyValueAndReason() throws Exception {
        ConfigException e = rejected("""
                plugins:
                  - name: a
                    module: { file: policies/missing.wasm }
                    engine: jit
                    instances: 0
                    failure_policy: retry
                    limits: { memory: 12XB, callback_deadline: soon }
                  - name: a
                    module: { file: policies/add-header.wasm, classpath: x.wasm }
                  - module: { file: policies/add-header.wasm }
                    instances: many
                clusters:
                  - name: backend
                    url: ftp://example
                """);

        assertThat(e.problems()).extracting(ConfigProblem::describe).containsExactlyInAnyOrder(
                "plugins[2]: instances = 'many': expected a whole number (line 11)",
                "plugins[0] 'a': module.file = 'policies/missing.wasm': no such file: "
                        + dir.resolve("policies/missing.wasm").toAbsolutePath(),
                "plugins[0] 'a': engine = 'jit': must be one of interpreter, compiler",
                "plugins[0] 'a': failure_policy = 'retry': must be one of fail_closed, fail_open, fail_reload",
                "plugins[0] 'a': instances = '0': must be at least 1",
                "plugins[0] 'a': limits.memory = '12XB': not a size; write e.g. 512KiB or 64MiB",
                "plugins[0] 'a': limits.callback_deadline = 'soon': not a duration; write e.g. 250ms, 2s or 1m",
                "plugins[1] 'a': name = 'a': already used by another plugin; names must be unique",
                "plugins[1] 'a': module: give exactly one of file, classpath or url (found 2)",
                "plugins[2]: name: required: a unique plugin name",
                "clusters[0] 'backend': url = 'ftp://example': not an http:// or https:// URL with a host");
        assertThat(e.getMessage()).contains("(11 problems)");
    }

    @Test
    void aModuleMustMatchItsSha256() throws Exception {
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(module));
        String wrong = "0".repeat(64);

        PluginChainConfig ok = YamlConfigLoader.load(yaml("plugins:\n  - name: a\n    module: { file: policies/add-header.wasm, sha256: "
                + digest.toUpperCase() + " }\n"));
        ConfigException e = rejected("plugins:\n  - name: a\n    module: { classpath: wasmgate/policies/add-header.wasm, sha256: "
                + wrong + " }\n");

        assertThat(ok.plugins()).hasSize(1);
        assertThat(e.problems()).extracting(ConfigProblem::describe).containsExactly("plugins[0] 'a': module.sha256 = '" + wrong
                + "': does not match classpath:wasmgate/policies/add-header.wasm, whose SHA-256 is " + digest);
    }

    @Test
    void aCanaryRunsTheStableSettingsWithItsOwnModuleAndConfiguration() throws Exception {
        PluginChainConfig config = YamlConfigLoader.load(yaml("""
                plugins:
                  - name: headers
                    module: { file: policies/add-header.wasm }
                    root_id: add_header
                    configuration: "x-version: 1"
                    instances: 3
                    canary:
                      module: { classpath: wasmgate/policies/add-header.wasm }
                      configuration: "x-version: 2"
                      weight: 10
                log_plugins:
                  - name: quiet
                    module: { file: policies/add-header.wasm }
                    canary: { module: { file: policies/add-header.wasm }, weight: 100 }
                """));

        assertThat(config.plugins()).extracting(PluginConfig::name).containsExactly("headers");
        Canary canary = config.canaries().get("headers");
        assertThat(canary.weight()).isEqualTo(10);
        assertThat(canary.config().name()).isEqualTo("headers@canary");
        assertThat(canary.config().module().origin()).isEqualTo("classpath:wasmgate/policies/add-header.wasm");
        assertThat(canary.config().configuration()).asString(StandardCharsets.UTF_8).isEqualTo("x-version: 2");
        assertThat(canary.config().rootId()).isEqualTo("add_header");
        assertThat(canary.config().instances()).isEqualTo(3);
        assertThat(config.canaries().get("quiet").config().configuration()).isEmpty();
        assertThat(Canary.pluginName("headers@canary")).isEqualTo("headers");
    }

    @Test
    void canaryMistakesAreNamed() throws Exception {
        ConfigException e = rejected("""
                plugins:
                  - name: a
                    module: { file: policies/add-header.wasm }
                    canary: { module: { file: policies/missing.wasm }, weight: 101, colour: red }
                services:
                  - name: s
                    module: { file: policies/add-header.wasm }
                    canary: { module: { file: policies/add-header.wasm }, weight: 5 }
                """);

        assertThat(e.problems()).extracting(ConfigProblem::describe).containsExactly(
                "plugins[0] 'a': canary.colour: unknown key (line 4)",
                "plugins[0] 'a': canary.weight = '101': required: the percentage (0-100) of new streams that run the canary",
                "plugins[0] 'a': canary.module.file = 'policies/missing.wasm': no such file: " + dir.resolve("policies/missing.wasm"),
                "services[0] 's': canary: services have no streams to split; a canary applies to plugins and log_plugins");
    }

    @Test
    void aServiceRunsOneInstanceWhateverThePluginDefault() throws Exception {
        PluginChainConfig config = YamlConfigLoader.load(yaml("""
                plugins:
                  - name: headers
                    module: { file: policies/add-header.wasm }
                services:
                  - name: ticker
                    module: { file: policies/add-header.wasm }
                  - name: explicit
                    module: { file: policies/add-header.wasm }
                    instances: 1
                """));

        assertThat(config.services()).extracting(PluginConfig::instances).containsExactly(1, 1);
        assertThat(config.plugins().get(0).instances()).as("a plugin's default: one per core").isEqualTo(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void aServiceWithMoreThanOneInstanceIsRejected() throws Exception {
        ConfigException e = rejected("""
                services:
                  - name: deny
                    module: { file: policies/add-header.wasm }
                    instances: 2
                """);

        assertThat(e.problems()).extracting(ConfigProblem::describe).containsExactly(
                "services[0] 'deny': instances = '2': a service is one root context (a singleton, as in Envoy); "
                        + "leave instances out or set 1");
    }

    @Test
    void urlModulesAreDownloadedAndMustMatchTheirSha256() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/p.wasm", exchange -> {
            exchange.sendResponseHeaders(200, module.length);
            exchange.getResponseBody().write(module);
            exchange.close();
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(module));
            PluginChainConfig ok = YamlConfigLoader.load(yaml("plugins:\n  - name: remote\n    module: { url: \"" + base
                    + "/p.wasm\", sha256: " + digest + " }\n"));
            ConfigException e = rejected("""
                    plugins:
                      - name: unpinned
                        module: { url: "%1$s/p.wasm" }
                      - name: wrong
                        module: { url: "%1$s/p.wasm", sha256: %2$s }
                      - name: missing
                        module: { url: "%1$s/nothing.wasm", sha256: %3$s }
                    """.formatted(base, "b".repeat(64), digest));

            assertThat(ok.plugins().get(0).module().origin()).isEqualTo(base + "/p.wasm");
            assertThat(ok.plugins().get(0).module().read("remote")).isEqualTo(module);
            assertThat(e.problems()).extracting(ConfigProblem::describe).containsExactly(
                    "plugins[0] 'unpinned': module.sha256: required with module.url: the SHA-256 the download must match",
                    "plugins[1] 'wrong': module.sha256 = '" + "b".repeat(64) + "': does not match " + base
                            + "/p.wasm, whose SHA-256 is " + digest,
                    "plugins[2] 'missing': module.url = '" + base + "/nothing.wasm': cannot download: the server answered 404");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void invalidYamlIsReportedWithItsLine() throws Exception {
        ConfigException e = rejected("plugins:\n  - name: a\n    module: { file: x\n");

        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isPositive();
            assertThat(p.describe()).startsWith("not valid: ");
        });
    }

    @Test
    void anEmptyFileOrAWrongShapeIsRejected() throws Exception {
        assertThat(rejected("# nothing here\n").problems()).extracting(ConfigProblem::describe)
                .containsExactly("the file is empty; expected at least `plugins:`");
        assertThat(rejected("plugins: { name: a }\n").problems()).extracting(ConfigProblem::describe)
                .containsExactly("plugins: expected a list, found a mapping (line 1)");
    }

    @Test
    void aFileUrlResolvesModuleFilesAgainstItsFolderLikeAPath() throws Exception {
        Path file = yaml("plugins:\n  - name: a\n    module: { file: policies/add-header.wasm }\n");

        PluginChainConfig config = YamlConfigLoader.load(file.toUri().toURL());

        assertThat(config.plugins().get(0).module().origin()).isEqualTo(dir.resolve("policies/add-header.wasm").toString());
    }

    @Test
    void aClasspathResourceLoadsWithClasspathAndAbsoluteModules() throws Exception {
        Files.createDirectories(dir.resolve("config"));
        Files.writeString(dir.resolve("config/filter.yaml"), """
                plugins:
                  - name: a
                    module: { classpath: wasmgate/policies/add-header.wasm }
                  - name: b
                    module: { file: %s }
                """.formatted(dir.resolve("policies/add-header.wasm")));

        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            PluginChainConfig config = YamlConfigLoader.loadResource("/config/filter.yaml", loader);

            assertThat(config.plugins()).extracting(plugin -> plugin.module().origin()).containsExactly(
                    "classpath:wasmgate/policies/add-header.wasm", dir.resolve("policies/add-header.wasm").toString());
        }
    }

    @Test
    void aConfigurationWithoutAFolderRejectsRelativeModuleFiles() {
        InputStream in = new ByteArrayInputStream(
                "plugins:\n  - name: a\n    module: { file: policies/add-header.wasm }\n".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> YamlConfigLoader.load(in, "inline")).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.file()).isEqualTo("inline");
            assertThat(e.problems()).extracting(ConfigProblem::describe).containsExactly(
                    "plugins[0] 'a': module.file = 'policies/add-header.wasm': a relative path needs a configuration "
                            + "file on disk to resolve against; use an absolute path, module.classpath or module.url");
        });
    }

    @Test
    void aMissingClasspathResourceIsNamed() {
        assertThatThrownBy(() -> YamlConfigLoader.loadResource("nope/filter.yaml", getClass().getClassLoader()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("classpath:nope/filter.yaml")
                .hasMessageContaining("no such classpath resource");
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> YamlConfigLoader.load(missing)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("no such file");
    }
}
