package io.wasmgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.testing.Poll;
import io.wasmgate.gateway.testing.GatewayFixture;
import io.wasmgate.gateway.testing.Upstream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The watcher reloads a file only once it has settled: a file written in two parts, with a pause between
 * them shorter than {@code watch.settle}, is loaded whole or not at all; a Kubernetes ConfigMap update (the
 * {@code ..data} symbolic link swapped in one rename) is one reload. The first part of each two-part file is
 * valid YAML on its own whose route has lost its {@code plugins:} line, so serving it would answer without
 * the plugin's {@code x-version} header.
 */
class SettledReloadTest {
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

    /** A file whose route runs the plugin setting {@code x-version}; {@code watch} is a YAML line or empty. */
    private String config(String watch, String version) {
        return GatewayFixture.PORTS + watch + """
                plugins:
                  - name: versioned
                    module: { file: policies/add-header.wasm }
                    root_id: add_header
                    configuration: "x-version: %s"
                clusters:
                  - { name: backend, url: "%s" }
                routes:
                  - match: { prefix: / }
                    cluster: backend
                    plugins: [ versioned ]
                """.formatted(version, upstream.uri());
    }

    /** The file up to its route's {@code plugins:} line: valid YAML, a route without plugins. */
    private static String firstPart(String config) {
        return config.substring(0, config.indexOf("    plugins: [ versioned ]"));
    }

    private String version() throws Exception {
        return gateway.get("/").headers().firstValue("x-version").orElse("none");
    }

    private double successfulReloads() throws Exception {
        return Prometheus.parse(gateway.adminGet("/stats/prometheus").body())
                .value("wasmgate_gateway_reloads_total", "result", "success").orElse(0.0);
    }

    /** Waits until {@code version} serves and its reload has been counted (the count follows the swap). */
    private void untilServedAndCounted(String version, double reloads) throws Exception {
        Poll.until("version " + version + " after " + reloads + " reloads",
                () -> version().equals(version) && successfulReloads() >= reloads);
    }

    /** Writes {@code text} into the file in place in two writes, {@code pause} apart, as a slow editor or copy does. */
    private static void writeInTwoParts(Path file, String text, String firstPart, Duration pause) throws Exception {
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(firstPart.getBytes(StandardCharsets.UTF_8));
            out.flush();
            // Part of the scenario: the writer's pause between its two writes.
            Thread.sleep(pause.toMillis());
            out.write(text.substring(firstPart.length()).getBytes(StandardCharsets.UTF_8));
        }
    }

    @ParameterizedTest(name = "pause {0} ms, settle {1}")
    @CsvSource({
        "300, default (1s)",
        "1000, 2s",
        "2000, 3s",
    })
    void aFileWrittenInTwoPartsIsNeverServedHalfWrittenWhenThePauseIsShorterThanTheSettlePeriod(long pauseMillis, String settle)
            throws Exception {
        String watch = settle.startsWith("default") ? "" : "watch: { settle: " + settle + " }\n";
        gateway = GatewayFixture.start(dir, config(watch, "1"));
        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicBoolean sampling = new AtomicBoolean(true);
        ExecutorService sampler = Executors.newSingleThreadExecutor();
        Future<?> samples = sampler.submit(() -> {
            while (sampling.get()) {
                seen.add(version());
            }
            return null;
        });

        String next = config(watch, "2");
        writeInTwoParts(dir.resolve("gateway.yaml"), next, firstPart(next), Duration.ofMillis(pauseMillis));
        Poll.until("version 2 served after a reload", Duration.ofSeconds(20),
                () -> seen.contains("2") && successfulReloads() >= 1);
        sampling.set(false);
        samples.get(10, TimeUnit.SECONDS);
        sampler.shutdown();

        assertThat(seen).as("what the proxy answered while the file was written and loaded").containsOnly("1", "2");
        assertThat(successfulReloads()).as("only the whole file was loaded").isEqualTo(1.0);
    }

    /**
     * The limit of the rule, on purpose: a writer that pauses longer than the settle period (here the
     * default, 1s) has its first part loaded, because the watcher cannot tell a pause from the end of a
     * write; the rest is loaded once it settles. Write such files atomically (a temporary file and a
     * rename), or raise {@code watch.settle} above the writer's pauses.
     */
    @Test
    void aPauseLongerThanTheSettlePeriodServesTheFirstPartUntilTheRestSettles() throws Exception {
        gateway = GatewayFixture.start(dir, config("", "1"));
        String next = config("", "2");

        try (OutputStream out = Files.newOutputStream(dir.resolve("gateway.yaml"))) {
            out.write(firstPart(next).getBytes(StandardCharsets.UTF_8));
            out.flush();
            Poll.until("the first part, without the plugin, to take effect", () -> version().equals("none"));
            out.write(next.substring(firstPart(next).length()).getBytes(StandardCharsets.UTF_8));
        }

        untilServedAndCounted("2", 2);
        assertThat(successfulReloads()).isEqualTo(2.0);
    }

    @Test
    void aFileReplacedByARenameIsOneReload() throws Exception {
        gateway = GatewayFixture.start(dir, config("watch: { settle: 200ms }\n", "1"));

        Path temporary = dir.resolve(".gateway.yaml.tmp");
        Files.writeString(temporary, config("watch: { settle: 200ms }\n", "2"));
        Files.move(temporary, dir.resolve("gateway.yaml"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

        untilServedAndCounted("2", 1);
        assertThat(successfulReloads()).isEqualTo(1.0);
    }

    @Test
    void aConfigMapUpdateSwappingTheDataLinkIsOneReloadEachTime() throws Exception {
        String watch = "watch: { settle: 200ms }\n";
        ConfigMapVolume volume = new ConfigMapVolume(dir);
        volume.publish("2026_12_07_10_00_00.000000001", config(watch, "1"));
        gateway = GatewayFixture.startFromFile(dir);

        volume.publish("2026_12_07_10_05_00.000000002", config(watch, "2"));
        untilServedAndCounted("2", 1);
        assertThat(successfulReloads()).isEqualTo(1.0);

        volume.publish("2026_12_07_10_10_00.000000003", config(watch, "3"));
        untilServedAndCounted("3", 2);
        assertThat(successfulReloads()).as("the first swap reloaded exactly once").isEqualTo(2.0);
    }

    /**
     * A ConfigMap volume as the kubelet writes it: {@code gateway.yaml -> ..data/gateway.yaml}, {@code ..data}
     * a link to a timestamped folder; an update writes a new folder, points {@code ..data_tmp} at it, renames
     * that over {@code ..data} (one atomic step) and deletes the old folder.
     */
    private record ConfigMapVolume(Path dir) {
        void publish(String timestamp, String yaml) throws Exception {
            Path data = dir.resolve("..data");
            Path old = Files.isSymbolicLink(data) ? dir.resolve(Files.readSymbolicLink(data)) : null;
            Path folder = Files.createDirectory(dir.resolve(".." + timestamp));
            Files.writeString(folder.resolve("gateway.yaml"), yaml);
            Path temporary = Files.createSymbolicLink(dir.resolve("..data_tmp"), folder.getFileName());
            Files.move(temporary, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Path link = dir.resolve("gateway.yaml");
            if (!Files.isSymbolicLink(link)) {
                Files.createSymbolicLink(link, Path.of("..data", "gateway.yaml"));
            }
            if (old != null) {
                try (Stream<Path> files = Files.walk(old)) {
                    for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(file);
                    }
                }
            }
        }
    }
}
