package io.wasmgate.abi.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.FunctionTimer;
import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.config.FailurePolicy;
import io.wasmgate.abi.services.HostServices;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.testing.Poll;
import io.wasmgate.abi.testing.Probe;
import io.wasmgate.abi.testing.ProbeProgram;
import io.wasmgate.abi.testing.RecordingExchange;
import io.wasmgate.abi.vm.Callback;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The host's own meters about each plugin, in the {@link HostServices}' registry and tagged
 * {@code plugin=<name>}: {@code wasmgate.vm.active}, {@code wasmgate.streams},
 * {@code wasmgate.callback.duration} (tag {@code callback}), {@code wasmgate.traps},
 * {@code wasmgate.failure_policy} (tag {@code outcome}) and {@code wasmgate.vm.reloads} (tag {@code result}).
 */
class HostMetersTest {
    private final HostServices services = HostServices.create();
    private final MeterRegistry registry = services.meterRegistry();

    @AfterEach
    void stop() {
        services.close();
    }

    private static ProbeProgram trapOnHeader() {
        return new ProbeProgram().trapsWhenRequestHas(Callback.ON_REQUEST_HEADERS, "x-trap");
    }

    private double active() {
        return registry.get("wasmgate.vm.active").tag("plugin", "probe").gauge().value();
    }

    private double counter(String name, String... tags) {
        return registry.get(name).tag("plugin", "probe").tags(tags).counter().count();
    }

    private double streams() {
        return registry.get("wasmgate.streams").tag("plugin", "probe").functionCounter().count();
    }

    private static void request(Plugin plugin, String... headers) {
        StreamContext stream = plugin.newStream(new RecordingExchange());
        Headers request = new Headers().add(":path", "/");
        for (String header : headers) {
            request.add(header, "1");
        }
        stream.onRequestHeaders(request, true);
        stream.onResponseHeaders(new Headers().add(":status", "200"), true);
        stream.onLog();
        stream.onDone();
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void everyHostMeterAppearsTaggedWithThePluginAndCounts(Engine engine) {
        Plugin plugin = Plugin.start(Probe.config(engine, trapOnHeader())
                .withInstances(2)
                .withFailurePolicy(FailurePolicy.FAIL_RELOAD)
                .withReloadBackoff(Duration.ofMillis(1))
                .build(), services);
        assertThat(active()).isEqualTo(2);

        for (int i = 0; i < 5; i++) {
            request(plugin);
        }
        request(plugin, "x-trap");
        request(plugin);
        request(plugin);
        Poll.until("the failed instance to be replaced in the background",
                () -> counter("wasmgate.vm.reloads", "result", "success") == 1);

        assertThat(streams()).isEqualTo(8);
        FunctionTimer headers = registry.get("wasmgate.callback.duration").tag("plugin", "probe")
                .tag("callback", "proxy_on_request_headers").functionTimer();
        assertThat(headers.count()).as("one per stream, the trapping one too").isEqualTo(8);
        assertThat(headers.totalTime(TimeUnit.NANOSECONDS)).isPositive();
        assertThat(registry.get("wasmgate.callback.duration").tag("callback", "proxy_on_configure").functionTimer().count())
                .as("two instances and one replacement started").isEqualTo(3);
        assertThat(counter("wasmgate.traps")).isEqualTo(1);
        assertThat(counter("wasmgate.failure_policy", "outcome", "fail_closed")).isEqualTo(1);
        assertThat(counter("wasmgate.vm.reloads", "result", "success")).isEqualTo(1);
        assertThat(counter("wasmgate.vm.reloads", "result", "failure")).isZero();
        assertThat(active()).as("the failed instance was replaced").isEqualTo(2);

        plugin.close();
        assertThat(active()).isZero();
    }

    /** Regression (issue 3): the gauge kept reading the first plugin's (closed) instances. */
    @ParameterizedTest
    @EnumSource(Engine.class)
    void aPluginStartedAgainUnderTheSameNameReportsItsOwnInstances(Engine engine) {
        Plugin.start(Probe.config(engine, new ProbeProgram()).withInstances(2).build(), services).close();

        try (Plugin restarted = Plugin.start(Probe.config(engine, new ProbeProgram()).withInstances(3).build(), services)) {
            assertThat(active()).isEqualTo(restarted.config().instances()).isEqualTo(3);
        }
        assertThat(active()).isZero();
    }

    /** Regression (issue 3): a second close counted the instances down again, below zero. */
    @ParameterizedTest
    @EnumSource(Engine.class)
    void closingAPluginTwiceCountsItsInstancesDownOnce(Engine engine) {
        Plugin plugin = Plugin.start(Probe.config(engine, new ProbeProgram()).withInstances(2).build(), services);

        plugin.close();
        plugin.close();

        assertThat(active()).isZero();
    }
}
