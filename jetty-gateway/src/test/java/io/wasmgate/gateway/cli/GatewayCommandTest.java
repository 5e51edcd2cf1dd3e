package io.wasmgate.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.gateway.testing.GatewayFixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --check} validates the file and every module, and says what is wrong. */
class GatewayCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine command = new CommandLine(new GatewayCommand());
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        return command.execute(args);
    }

    private Path file(String yaml) throws Exception {
        GatewayFixture.copyModules(dir);
        return Files.writeString(dir.resolve("gateway.yaml"), yaml);
    }

    @Test
    void aValidFileWithModulesThatStartPasses() throws Exception {
        Path file = file("""
                plugins:
                  - { name: headers, module: { file: policies/add-header.wasm }, root_id: add_header }
                clusters:
                  - { name: backend, url: "http://127.0.0.1:9000" }
                routes:
                  - { match: { prefix: / }, cluster: backend, plugins: [ headers ] }
                """);

        assertThat(run("--config", file.toString(), "--check")).isZero();
        assertThat(out.toString()).startsWith("OK: " + file).contains("1 routes");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void everyProblemOfTheFileIsListed() throws Exception {
        Path file = file("""
                listen: { port: 70000 }
                plugins:
                  - { name: headers, module: { file: policies/missing.wasm }, colour: red }
                clusters:
                  - { name: backend, url: "ftp://nowhere" }
                routes:
                  - { match: { prefix: api }, cluster: elsewhere, plugins: [ nobody ] }
                """);

        assertThat(run("--config", file.toString(), "--check")).isEqualTo(1);
        assertThat(err.toString()).contains("invalid Wasmgate configuration " + file + " (7 problems)")
                .contains("plugins[0] 'headers': colour: unknown key (line 3)")
                .contains("plugins[0] 'headers': module.file = 'policies/missing.wasm': no such file")
                .contains("clusters[0] 'backend': url = 'ftp://nowhere': not an http:// or https:// URL with a host")
                .contains("listen: port = '70000': must be 0 (any free port) to 65535")
                .contains("routes[0]: match.prefix = 'api': must start with /")
                .contains("routes[0]: cluster = 'elsewhere': no such cluster in `clusters`")
                .contains("routes[0]: plugins = 'nobody': no such plugin in `plugins`");
    }

    @Test
    void aModuleThatCannotStartIsAProblem() throws Exception {
        Files.createDirectories(dir.resolve("policies"));
        Files.writeString(dir.resolve("policies/garbage.wasm"), "garbage");
        Path file = file("""
                plugins:
                  - { name: refuses, module: { file: policies/add-header.wasm }, root_id: add_header, configuration: "no colon" }
                  - { name: garbage, module: { file: policies/garbage.wasm } }
                clusters:
                  - { name: backend, url: "http://127.0.0.1:9000" }
                routes:
                  - { match: { prefix: / }, cluster: backend, plugins: [ refuses, garbage ] }
                """);
        Files.writeString(dir.resolve("policies/garbage.wasm"), "garbage");

        assertThat(run("--config", file.toString(), "--check")).isEqualTo(1);
        assertThat(err.toString()).contains("(2 problems)")
                .contains("plugin 'refuses'").contains("proxy_on_configure")
                .contains("plugin 'garbage'").contains("garbage.wasm");
    }

    @Test
    void aGatewayWhosePluginCannotStartExitsWithTheReason() throws Exception {
        Path file = file(GatewayFixture.PORTS + """
                plugins:
                  - { name: refuses, module: { file: policies/add-header.wasm }, root_id: add_header, configuration: "no colon" }
                clusters:
                  - { name: backend, url: "http://127.0.0.1:9000" }
                routes:
                  - { match: { prefix: / }, cluster: backend, plugins: [ refuses ] }
                """);

        assertThat(run("--config", file.toString())).isEqualTo(1);
        assertThat(err.toString()).startsWith("cannot start: plugin 'refuses'").contains("proxy_on_configure");
    }

    @Test
    void theAdminAndWatchKeysAreChecked() throws Exception {
        Path file = file("""
                admin: { token_file: secrets/admin-token, expose_configuration: maybe, allowed_hosts: [ "gateway:9901" ] }
                watch: { settle: soon }
                clusters:
                  - { name: backend, url: "http://127.0.0.1:9000" }
                routes:
                  - { match: { prefix: / }, cluster: backend }
                """);

        assertThat(run("--config", file.toString(), "--check")).isEqualTo(1);
        assertThat(err.toString()).contains("(4 problems)")
                .contains("admin: token_file = 'secrets/admin-token': no such file: " + dir.resolve("secrets/admin-token"))
                .contains("admin.expose_configuration = 'maybe': expected true or false (line 1)")
                .contains("admin: allowed_hosts = 'gateway:9901': must be a host name or address without a port")
                .contains("watch: settle = 'soon': not a duration");
    }

    @Test
    void theSlowClientLimitsAreChecked() throws Exception {
        Path file = file("""
                listen: { max_threads: 4, virtual_threads: maybe, request_body_timeout: soon, min_request_data_rate: -1 }
                clusters:
                  - { name: backend, url: "http://127.0.0.1:9000" }
                routes:
                  - { name: uploads, match: { prefix: /upload }, cluster: backend, max_concurrent_requests: 0 }
                """);

        assertThat(run("--config", file.toString(), "--check")).isEqualTo(1);
        assertThat(err.toString()).contains("(5 problems)")
                .contains("listen: max_threads = '4': must be at least 8")
                .contains("listen.virtual_threads = 'maybe': expected true or false (line 1)")
                .contains("listen: request_body_timeout = 'soon': not a duration")
                .contains("listen: min_request_data_rate = '-1': must be 0 (none) or more bytes per second")
                .contains("routes[0] 'uploads': max_concurrent_requests = '0': must be at least 1 (leave it out for no limit)");
    }

    @Test
    void anEmptyTokenFileIsAProblem() throws Exception {
        Files.writeString(dir.resolve("admin-token"), " \n");
        Path file = file("""
                admin: { token_file: admin-token }
                clusters:
                  - { name: backend, url: "http://127.0.0.1:9000" }
                routes:
                  - { match: { prefix: / }, cluster: backend }
                """);

        assertThat(run("--config", file.toString(), "--check")).isEqualTo(1);
        assertThat(err.toString()).contains("admin: token_file = 'admin-token': the file " + dir.resolve("admin-token") + " is empty");
    }

    @Test
    void theDockerConfigurationIsValid() throws Exception {
        GatewayFixture.copyModules(dir);
        Path file = Files.copy(Path.of("../docker/config/gateway.yaml"), dir.resolve("gateway.yaml"));

        assertThat(run("--config", file.toString(), "--check")).as(err.toString()).isZero();
    }

    @Test
    void checkWithoutAFileIsAUsageError() {
        assertThat(run("--check")).isEqualTo(2);
        assertThat(err.toString()).contains("--check needs --config FILE");
    }
}
