package io.wasmgate.abi.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.abi.services.HostServices;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.testing.CapturingLog;
import io.wasmgate.abi.testing.Modules;
import io.wasmgate.abi.testing.RecordingExchange;
import io.wasmgate.abi.wire.FilterHeadersStatus;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The VM pool (issue 3): 8 threads, 2 instances. The {@code pool-echo} fixture keeps each stream's
 * {@code x-echo} request header per context id and echoes it into the response, and adds 1 per stream to a
 * shared-data counter with a compare-and-swap retry loop.
 *
 * <p>The compiler runs the 8 x 5,000 streams (about 2 s); the interpreter is about 13 times slower
 * (about 22 s for the same run), so it runs 8 x 500.
 */
class VmPoolTest {
    private static final int THREADS = 8;

    private final CapturingLog log = new CapturingLog();

    private static PluginConfig config(Engine engine, CapturingLog log) {
        return PluginConfig.builder("pool-echo")
                .withModule(Modules.fixture("pool-echo"))
                .withVmId("pool")
                .withEngine(engine)
                .withInstances(2)
                .withLog(log)
                .build();
    }

    /** One stream in flight: its exchange, its context and the response headers the plugin edits. */
    private record Flight(String echo, RecordingExchange exchange, StreamContext stream, Headers response) {}

    private static Flight open(Plugin plugin, String echo) {
        RecordingExchange exchange = new RecordingExchange();
        StreamContext stream = plugin.newStream(exchange);
        FilterHeadersStatus status = stream.onRequestHeaders(
                new Headers().add(":method", "GET").add(":path", "/").add("x-echo", echo), true);
        assertThat(status).isEqualTo(FilterHeadersStatus.CONTINUE);
        return new Flight(echo, exchange, stream, new Headers().add(":status", "200"));
    }

    private void close(Flight flight) {
        flight.stream().onResponseHeaders(flight.response(), true);
        flight.stream().onLog();
        flight.stream().onDone();
        assertThat(flight.exchange().localReplies).as("stream %s; plugin log %s", flight.echo(), log.messages()).isEmpty();
        assertThat(flight.response().values("x-echo")).as("stream %s", flight.echo()).containsExactly(flight.echo());
    }

    /**
     * Each thread keeps two streams open at a time and finishes them in the opposite order, so streams of
     * one instance interleave even when the scheduler would run threads one by one.
     */
    private int run(Plugin plugin, int thread, int streams) {
        int done = 0;
        for (int i = 0; i < streams; i += 2) {
            Flight first = open(plugin, "t" + thread + "-s" + i);
            Flight second = open(plugin, "t" + thread + "-s" + (i + 1));
            close(second);
            close(first);
            done += 2;
        }
        return done;
    }

    static Stream<Arguments> runs() {
        return Stream.of(Arguments.of(Engine.COMPILER, 5_000), Arguments.of(Engine.INTERPRETER, 500));
    }

    @ParameterizedTest(name = "{0}: 8 threads x {1} streams")
    @MethodSource("runs")
    void everyStreamSeesItsOwnValueAndTheSharedCounterCountsEveryStreamOnce(Engine engine, int streamsPerThread)
            throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        try (HostServices services = HostServices.create(); Plugin plugin = Plugin.start(config(engine, log), services)) {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                results.add(threads.submit(() -> run(plugin, thread, streamsPerThread)));
            }
            int streams = 0;
            for (Future<Integer> result : results) {
                streams += result.get(5, TimeUnit.MINUTES);
            }

            int expected = THREADS * streamsPerThread;
            byte[] counter = services.sharedData().get("pool", "pool-echo.count").orElseThrow().value();
            assertThat(streams).isEqualTo(expected);
            assertThat(ByteBuffer.wrap(counter).order(ByteOrder.LITTLE_ENDIAN).getInt()).isEqualTo(expected);
            assertThat(services.meterRegistry().get("wasmgate.streams").functionCounter().count()).isEqualTo(expected);
            assertThat(services.meterRegistry().get("wasmgate.vm.active").gauge().value()).isEqualTo(2);
            assertThat(services.meterRegistry().get("wasmgate.traps").counter().count()).isZero();
            assertThat(log.lines).isEmpty();
        } finally {
            threads.shutdownNow();
        }
    }
}
