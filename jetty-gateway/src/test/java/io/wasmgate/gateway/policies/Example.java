package io.wasmgate.gateway.policies;

import io.wasmgate.gateway.testing.GatewayFixture;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A gateway configuration from {@code sample-policies/examples}, as users run it, adapted to the test
 * machine: ephemeral loopback ports instead of {@code 8080} / {@code 9901}, and the one {@link Backend}
 * instead of the backend ({@code :9000}), the authorization service ({@code :9001}) and the list server
 * ({@code :9002}) it names.
 */
final class Example {
    /** Where the examples are, from the jetty-gateway module (where Maven runs its tests). */
    static final Path DIR = Path.of("..", "sample-policies", "examples");

    private Example() {}

    /** The text of {@code <name>.yaml}. */
    static String text(String name) throws IOException {
        Path file = DIR.resolve(name + ".yaml");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("no example " + file.toAbsolutePath());
        }
        return Files.readString(file);
    }

    /** {@code <name>.yaml} on test ports, calling {@code backend} for every cluster. */
    static String adapted(String name, URI backend) throws IOException {
        String yaml = text(name);
        String listen = "listen: { host: 127.0.0.1, port: 8080 }\nadmin: { host: 127.0.0.1, port: 9901 }\n";
        if (!yaml.contains(listen)) {
            throw new IllegalStateException(name + ".yaml does not start its settings with the usual listen and admin lines");
        }
        return yaml.replace(listen, GatewayFixture.PORTS)
                .replace("http://127.0.0.1:9000", backend.toString())
                .replace("http://127.0.0.1:9001", backend.toString())
                .replace("http://127.0.0.1:9002", backend.toString());
    }
}
