package io.wasmgate.abi.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wasmgate.abi.PluginStartException;
import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.config.FailurePolicy;
import io.wasmgate.abi.plugin.Plugin;
import io.wasmgate.abi.plugin.StreamContext;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.testing.CapturingLog;
import io.wasmgate.abi.testing.Poll;
import io.wasmgate.abi.testing.Probe;
import io.wasmgate.abi.testing.ProbeProgram;
import io.wasmgate.abi.testing.RecordingExchange;
import io.wasmgate.abi.vm.Callback;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code wasmgate.callback.duration} and {@code wasmgate.streams}: counted by each VM instance on its own,
 * summed over the plugin's instances when read, and never going back when an instance is replaced, closed
 * or its plugin started again under the same name.
 */
class PluginCountsTest {
    private final HostServices services = HostServices.create();
    private final MeterRegistry registry = services.meterRegistry();
    private final CapturingLog log = new CapturingLog();

    @AfterEach
    void stop() {
        services.close();
    }

    private static ProbeProgram trapOnHeader() {
        return new ProbeProgram().trapsWhenRequestHas(Callback.ON_REQUEST_HEADERS, "x-trap");
    }

    private Plugin start(Engine engine, int instances) {
        return Plugin.start(Probe.config(engine, trapOnHeader()).withInstances(instances)
                .withFailurePolicy(FailurePolicy.FAIL_CLOSED).withLog(log).build(), services);
    }

    private FunctionTimer timer(Callback callback) {
        return registry.get("wasmgate.callback.duration").tag("plugin", "probe")
                .tag("callback", callback.exportName()).functionTimer();
    }

    private double calls(Callback callback) {
        return timer(callback).count();
    }

    private double streams() {
        return registry.get("wasmgate.streams").tag("plugin", "probe").functionCounter().count();
    }

    private static StreamContext requestHeaders(Plugin plugin, String... headers) {
        StreamContext stream = plugin.newStream(new RecordingExchange());
        Headers request = new Headers().add(":path", "/");
        for (String header : headers) {
            request.add(header, "1");
        }
        stream.onRequestHeaders(request, true);
        return stream;
    }

    private static void finish(StreamContext stream) {
        stream.onResponseHeaders(new Headers().add(":status", "200"), true);
        stream.onLog();
        stream.onDone();
    }

    private static void request(Plugin plugin, String... headers) {
        finish(requestHeaders(plugin, headers));
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void callbackCountsSumOverAllInstancesOfThePool(Engine engine) {
        try (Plugin plugin = start(engine, 3)) {
            for (int i = 0; i < 7; i++) {
                request(plugin);
            }

            assertThat(calls(Callback.ON_CONFIGURE)).as("one per instance").isEqualTo(3);
            assertThat(calls(Callback.ON_REQUEST_HEADERS)).as("streams spread 3, 2, 2 over the instances").isEqualTo(7);
            assertThat(calls(Callback.ON_RESPONSE_HEADERS)).isEqualTo(7);
            assertThat(timer(Callback.ON_REQUEST_HEADERS).totalTime(TimeUnit.NANOSECONDS)).isPositive();
            assertThat(streams()).isEqualTo(7);
            assertThat(registry.find("wasmgate.callback.duration").tag("callback", "proxy_on_tick").meter())
                    .as("only callbacks that ran have a timer").isNull();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void countsStayMonotonicWhenAnInstanceIsReplacedAfterATrap(Engine engine) {
        try (Plugin plugin = start(engine, 2)) {
            for (int i = 0; i < 4; i++) {
                request(plugin);
            }
            request(plugin, "x-trap"); // instance 0 fails in its request headers
            double headersAfterTrap = calls(Callback.ON_REQUEST_HEADERS);
            double responsesAfterTrap = calls(Callback.ON_RESPONSE_HEADERS);

            Poll.until("instance 0 to be closed and replaced in the background",
                    () -> log.messages().stream().anyMatch(line -> line.contains("replaced failed VM instance 0")));
            request(plugin); // instance 1
            request(plugin); // instance 0's replacement

            assertThat(headersAfterTrap).as("the trapping call counts too").isEqualTo(5);
            assertThat(responsesAfterTrap).as("the failed stream got no response callback").isEqualTo(4);
            assertThat(calls(Callback.ON_REQUEST_HEADERS)).isEqualTo(7);
            assertThat(calls(Callback.ON_RESPONSE_HEADERS)).isEqualTo(6);
            assertThat(calls(Callback.ON_CONFIGURE)).as("two instances and one replacement").isEqualTo(3);
            assertThat(streams()).isEqualTo(7);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void reloadUnderTheSameNameKeepsCountingFromThePreviousTotal(Engine engine) {
        try (Plugin first = start(engine, 2)) {
            for (int i = 0; i < 3; i++) {
                request(first);
            }
        }
        FunctionTimer meter = timer(Callback.ON_REQUEST_HEADERS);
        assertThat(meter.count()).as("a closed plugin's counts stay").isEqualTo(3);

        try (Plugin second = start(engine, 1)) {
            request(second);
            request(second);

            assertThat(calls(Callback.ON_REQUEST_HEADERS)).isEqualTo(5);
            assertThat(meter.count()).as("the registered meter reads the new instances").isEqualTo(5);
            assertThat(streams()).isEqualTo(5);
            assertThat(calls(Callback.ON_CONFIGURE)).isEqualTo(3);
        }
    }

    /** A reload in the gateway: the new plugin serves while the old one finishes its streams, then closes. */
    @ParameterizedTest
    @EnumSource(Engine.class)
    void streamsThePreviousPluginFinishesAfterItsSuccessorStartedAreCounted(Engine engine) {
        Plugin old = start(engine, 1);
        StreamContext inFlight = requestHeaders(old);

        try (Plugin successor = start(engine, 1)) {
            request(successor);
            finish(inFlight);
            old.close();

            assertThat(calls(Callback.ON_REQUEST_HEADERS)).isEqualTo(2);
            assertThat(calls(Callback.ON_RESPONSE_HEADERS)).isEqualTo(2);
            assertThat(streams()).isEqualTo(2);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void streamsAndCallbacksOnAnInstanceThatClosedAreStillCounted(Engine engine) {
        Plugin plugin = start(engine, 1);
        StreamContext stream = requestHeaders(plugin);
        plugin.close();

        finish(stream);
        request(plugin);

        assertThat(calls(Callback.ON_REQUEST_HEADERS)).isEqualTo(2);
        assertThat(calls(Callback.ON_RESPONSE_HEADERS)).isEqualTo(2);
        assertThat(calls(Callback.ON_LOG)).as("both after the close").isEqualTo(2);
        assertThat(streams()).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void theCallbacksOfAnInstanceThatFailedToStartAreCounted(Engine engine) {
        ProbeProgram rejects = new ProbeProgram();
        rejects.on(Callback.ON_CONFIGURE).returns(0);

        assertThatThrownBy(() -> Plugin.start(Probe.config(engine, rejects).build(), services))
                .isInstanceOf(PluginStartException.class);

        assertThat(calls(Callback.ON_CONFIGURE)).isEqualTo(1);
    }

    @Test
    void theSameNameOnAnotherRegistryCountsApart() {
        try (HostServices other = HostServices.builder().withMeterRegistry(new SimpleMeterRegistry()).build();
                Plugin here = start(Engine.INTERPRETER, 1);
                Plugin there = Plugin.start(Probe.config(Engine.INTERPRETER, trapOnHeader()).build(), other)) {
            request(here);
            request(here);
            request(there);

            assertThat(streams()).isEqualTo(2);
            FunctionCounter otherStreams = other.meterRegistry().get("wasmgate.streams").functionCounter();
            assertThat(otherStreams.count()).isEqualTo(1);
        }
    }

    /** Scrapes run while two threads send requests, a tenth of which trap and get their instance replaced. */
    @Test
    void aScrapeDuringTrafficAndReplacementsNeverSeesACountGoBack() throws Exception {
        int threads = 2;
        int requestsPerThread = 2_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        try (Plugin plugin = start(Engine.COMPILER, 2)) {
            request(plugin); // registers the timer
            FunctionTimer headers = timer(Callback.ON_REQUEST_HEADERS);
            FunctionCounter streams = registry.get("wasmgate.streams").functionCounter();
            AtomicBoolean running = new AtomicBoolean(true);
            Future<List<String>> scrapes = pool.submit(() -> {
                List<String> backwards = new ArrayList<>();
                double lastCalls = 0;
                double lastNanos = 0;
                double lastStreams = 0;
                while (running.get()) {
                    double calls = headers.count();
                    double nanos = headers.totalTime(TimeUnit.NANOSECONDS);
                    double started = streams.count();
                    if (calls < lastCalls || nanos < lastNanos || started < lastStreams) {
                        backwards.add(lastCalls + " -> " + calls + ", " + lastNanos + " -> " + nanos + ", "
                                + lastStreams + " -> " + started);
                    }
                    lastCalls = calls;
                    lastNanos = nanos;
                    lastStreams = started;
                }
                return backwards;
            });
            List<Future<?>> senders = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                senders.add(pool.submit(() -> {
                    for (int i = 0; i < requestsPerThread; i++) {
                        if (i % 10 == 9) {
                            request(plugin, "x-trap");
                        } else {
                            request(plugin);
                        }
                    }
                }));
            }
            for (Future<?> sender : senders) {
                sender.get(5, TimeUnit.MINUTES);
            }
            running.set(false);

            int total = threads * requestsPerThread + 1;
            assertThat(scrapes.get(1, TimeUnit.MINUTES)).isEmpty();
            assertThat(streams.count()).as("every stream, also those opened on an instance about to be replaced")
                    .isEqualTo(total);
            // A stream that lands on an instance the other thread just made trap never reaches the guest.
            assertThat(headers.count()).isBetween(total / 2.0, (double) total);
            assertThat(registry.get("wasmgate.traps").counter().count()).isPositive();
        } finally {
            pool.shutdownNow();
        }
    }
}
