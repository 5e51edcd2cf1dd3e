package io.wasmgate.abi.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.abi.services.HostServices;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.testing.CapturingLog;
import io.wasmgate.abi.testing.Modules;
import io.wasmgate.abi.testing.Poll;
import io.wasmgate.abi.testing.RecordingExchange;
import io.wasmgate.abi.wire.LogLevel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The AssemblyScript request-counter policy, built with the public SDK, on a pool of two instances: a counter
 * metric per request, a shared-data total kept with compare-and-swap, and a tick that publishes the total as
 * a gauge.
 */
class RequestCounterPolicyTest {
    private static final int THREADS = 4;
    private static final int REQUESTS_PER_THREAD = 50;

    private final CapturingLog log = new CapturingLog(LogLevel.INFO);

    private PluginConfig config(Engine engine) {
        return PluginConfig.builder("request-counter")
                .withModule(Modules.policy("request-counter"))
                .withRootId("request_counter")
                .withVmId("counting")
                .withEngine(engine)
                .withInstances(2)
                .withLog(log)
                .build();
    }

    /** One request through the plugin; the x-request-count the response got. */
    private static int request(Plugin plugin) {
        RecordingExchange exchange = new RecordingExchange();
        StreamContext stream = plugin.newStream(exchange);
        stream.onRequestHeaders(new Headers().add(":method", "GET").add(":path", "/").add(":authority", "app"), true);
        Headers response = new Headers().add(":status", "200");
        stream.onResponseHeaders(response, true);
        stream.onLog();
        stream.onDone();
        assertThat(exchange.localReplies).isEmpty();
        return Integer.parseInt(response.first("x-request-count").orElseThrow());
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void everyInstanceCountsIntoOneMetricAndOneSharedTotal(Engine engine) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        try (HostServices services = HostServices.create(); Plugin plugin = Plugin.start(config(engine), services)) {
            List<Future<List<Integer>>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                futures.add(threads.submit(() -> IntStream.range(0, REQUESTS_PER_THREAD)
                        .mapToObj(i -> request(plugin)).collect(Collectors.toList())));
            }
            Set<Integer> seen = new TreeSet<>();
            for (Future<List<Integer>> future : futures) {
                seen.addAll(future.get(2, TimeUnit.MINUTES));
            }
            int requests = THREADS * REQUESTS_PER_THREAD;

            assertThat(seen).as("each request made the total one higher, on whichever instance")
                    .isEqualTo(IntStream.rangeClosed(1, requests).boxed().collect(Collectors.toSet()));
            assertThat(services.sharedData().get("counting", "request_counter.total").orElseThrow().value())
                    .asString().isEqualTo(Integer.toString(requests));
            assertThat(services.meterRegistry().get("request_counter.requests").tag("plugin", "request-counter")
                    .counter().count()).isEqualTo(requests);
            Gauge total = services.meterRegistry().get("request_counter.total").tag("plugin", "request-counter").gauge();
            Poll.until("a tick to publish the total", () -> total.value() == requests);
            assertThat(log.messages()).isEmpty();
        } finally {
            threads.shutdownNow();
        }
    }

    /** Regression (issue 3) for the gauge: it kept reading the first plugin's value after a restart. */
    @ParameterizedTest
    @EnumSource(Engine.class)
    void aSecondPluginWithTheSameVmIdContinuesTheSharedTotal(Engine engine) {
        try (HostServices services = HostServices.create()) {
            try (Plugin first = Plugin.start(config(engine), services)) {
                assertThat(request(first)).isEqualTo(1);
                assertThat(request(first)).isEqualTo(2);
            }
            try (Plugin second = Plugin.start(config(engine), services)) {
                assertThat(request(second)).isEqualTo(3);
                Gauge total = services.meterRegistry().get("request_counter.total").tag("plugin", "request-counter").gauge();
                Poll.until("the restarted plugin's tick to publish the total", () -> total.value() == 3);
            }
        }
    }
}
