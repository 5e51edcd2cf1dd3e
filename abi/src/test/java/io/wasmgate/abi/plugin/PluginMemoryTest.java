package io.wasmgate.abi.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.config.Limits;
import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.abi.services.HostServices;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.testing.CapturingLog;
import io.wasmgate.abi.testing.Modules;
import io.wasmgate.abi.testing.RecordingExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A plugin's linear memory, summed over its VM instances, in {@link Plugin#memoryBytes()} and the gauge
 * {@code wasmgate.vm.memory}. The {@code memory-bomb} fixture starts with one 64 KiB page and grows to the
 * 2 MiB limit on its first request.
 */
class PluginMemoryTest {
    private static final long PAGE = 64 * 1024;
    private static final long LIMIT = 2 * 1024 * 1024;

    private final HostServices services = HostServices.create();

    @AfterEach
    void stop() {
        services.close();
    }

    private Plugin start(Engine engine) {
        return Plugin.start(PluginConfig.builder("bomb")
                .withModule(Modules.fixture("memory-bomb"))
                .withEngine(engine)
                .withInstances(2)
                .withLog(new CapturingLog())
                .withLimits(Limits.defaults().withMemoryBytes(LIMIT))
                .build(), services);
    }

    private double gauge() {
        return services.meterRegistry().get("wasmgate.vm.memory").tag("plugin", "bomb").gauge().value();
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void theGaugeFollowsEachInstancesMemoryAndFallsToZeroWhenThePluginStops(Engine engine) {
        Plugin plugin = start(engine);
        long atStart = plugin.memoryBytes();
        double gaugeAtStart = gauge();

        StreamContext stream = plugin.newStream(new RecordingExchange());
        stream.onRequestHeaders(new Headers().add(":method", "GET").add(":path", "/"), true);
        stream.onDone();
        long grown = plugin.memoryBytes();
        double gaugeGrown = gauge();
        plugin.close();

        assertThat(atStart).isEqualTo(2 * PAGE);
        assertThat(gaugeAtStart).isEqualTo(2.0 * PAGE);
        assertThat(grown).as("one instance grew to the limit, the other did not run").isEqualTo(LIMIT + PAGE);
        assertThat(gaugeGrown).isEqualTo((double) (LIMIT + PAGE));
        assertThat(plugin.memoryBytes()).isZero();
        assertThat(gauge()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aPluginStartedAgainUnderItsNameReportsItsOwnMemory(Engine engine) {
        Plugin first = start(engine);
        StreamContext stream = first.newStream(new RecordingExchange());
        stream.onRequestHeaders(new Headers().add(":method", "GET").add(":path", "/"), true);
        stream.onDone();

        try (Plugin second = start(engine)) {
            first.close();

            assertThat(gauge()).isEqualTo(2.0 * PAGE);
            assertThat(second.memoryBytes()).isEqualTo(2 * PAGE);
        }
    }
}
