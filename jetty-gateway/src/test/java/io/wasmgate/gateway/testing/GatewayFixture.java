package io.wasmgate.gateway.testing;

import io.wasmgate.gateway.Gateway;
import io.wasmgate.gateway.config.GatewayConfigLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * A gateway started from a YAML file written into a test's folder (next to copies of the sample modules
 * under {@code policies/}), on ephemeral loopback ports, and a JDK {@link HttpClient} (HTTP/1.1) to call it.
 */
public final class GatewayFixture implements AutoCloseable {
    /** The start of every test file: ephemeral loopback ports for the proxy and the admin. */
    public static final String PORTS = """
            listen: { host: 127.0.0.1, port: 0, drain_timeout: 5s }
            admin: { host: 127.0.0.1, port: 0 }
            """;

    private final Path dir;
    private final Gateway gateway;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private GatewayFixture(Path dir, Gateway gateway) {
        this.dir = dir;
        this.gateway = gateway;
    }

    /** Writes {@code yaml} as {@code dir/gateway.yaml} (with the sample modules beside it) and starts its gateway. */
    public static GatewayFixture start(Path dir, String yaml) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("gateway.yaml"), yaml);
        return startFromFile(dir);
    }

    /** Starts the gateway of {@code dir/gateway.yaml} as the test laid it out (a symbolic link, say), modules beside it. */
    public static GatewayFixture startFromFile(Path dir) throws Exception {
        copyModules(dir);
        Gateway gateway = new Gateway(GatewayConfigLoader.load(dir.resolve("gateway.yaml")));
        gateway.start();
        return new GatewayFixture(dir, gateway);
    }

    /** Copies the sample policies and fixtures the tests use into {@code dir/policies}. */
    public static void copyModules(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("policies"));
        for (String module : new String[] {"policies/add-header", "policies/access-log", "fixtures/gateway-metrics",
                "fixtures/callout-relay", "policies/test-actions", "policies/headers", "fixtures/queue-producer"}) {
            String file = module.substring(module.indexOf('/') + 1) + ".wasm";
            Files.write(dir.resolve("policies").resolve(file), module(module));
        }
    }

    /** The bytes of a module of sample-policies, e.g. {@code policies/add-header}. */
    public static byte[] module(String name) {
        try (InputStream in = GatewayFixture.class.getClassLoader().getResourceAsStream("wasmgate/" + name + ".wasm")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Gateway gateway() {
        return gateway;
    }

    public HttpClient client() {
        return client;
    }

    /** The URI of {@code path} on the proxy. */
    public URI proxy(String path) {
        return gateway.proxyUri().resolve(path);
    }

    /** The URI of {@code path} on the admin port. */
    public URI admin(String path) {
        return gateway.adminUri().resolve(path);
    }

    /** {@code GET path} on the proxy. */
    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(proxy(path)).build());
    }

    /** {@code GET path} on the admin port. */
    public HttpResponse<String> adminGet(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(admin(path)).build());
    }

    /** {@code POST /reload} on the admin port. */
    public HttpResponse<String> reload() throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(admin("/reload")).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    public HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Replaces the configuration file (the watcher, if it sees it, reloads). */
    public void rewrite(String yaml) throws IOException {
        Files.writeString(dir.resolve("gateway.yaml"), yaml);
    }

    @Override
    public void close() {
        LifeCycle.stop(gateway);
    }
}
