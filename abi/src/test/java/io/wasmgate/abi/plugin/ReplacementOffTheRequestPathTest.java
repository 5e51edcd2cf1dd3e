package io.wasmgate.abi.plugin;

import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_CALL_FOREIGN_FUNCTION;
import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.config.FailurePolicy;
import io.wasmgate.abi.config.Limits;
import io.wasmgate.abi.services.ForeignFunctionRegistry;
import io.wasmgate.abi.services.HostServices;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.testing.CapturingLog;
import io.wasmgate.abi.testing.Poll;
import io.wasmgate.abi.testing.Probe;
import io.wasmgate.abi.testing.ProbeProgram;
import io.wasmgate.abi.testing.ProbeProgram.Data;
import io.wasmgate.abi.testing.RecordingExchange;
import io.wasmgate.abi.vm.Callback;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A failed instance is replaced in the background (issue 20): a slow-starting replacement delays no stream
 * another instance can serve, and closing the plugin leaves no replacement running.
 *
 * <p>The probe's {@code proxy_on_configure} calls the foreign function {@code hold}, which lets the pool's
 * own instances through and holds every later start (a replacement) until the test releases it.
 */
class ReplacementOffTheRequestPathTest {
    private final CapturingLog log = new CapturingLog();
    private final AtomicInteger starts = new AtomicInteger();
    private final CountDownLatch replacementStarting = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    /** Counted down if the held start was interrupted (the plugin closing), which it then ignores. */
    private final CountDownLatch interrupted = new CountDownLatch(1);
    private final HostServices services = HostServices.builder()
            .withForeignFunctions(new ForeignFunctionRegistry().register("hold", arguments -> hold()))
            .build();
    private int instances;

    @AfterEach
    void stop() {
        release.countDown();
        services.close();
    }

    private byte[] hold() {
        if (starts.incrementAndGet() > instances) {
            replacementStarting.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                // A module that ignores the interrupt: its start finishes after the plugin began closing.
                interrupted.countDown();
            }
        }
        return new byte[0];
    }

    private Plugin start(Engine engine, int instances, FailurePolicy policy) {
        this.instances = instances;
        ProbeProgram program = new ProbeProgram().trapsWhenRequestHas(Callback.ON_REQUEST_HEADERS, "x-trap");
        Data name = program.blob("hold");
        program.on(Callback.ON_CONFIGURE).call(PROXY_CALL_FOREIGN_FUNCTION, name.ptr(), name.len(), 0, 0, Probe.slot(0),
                Probe.slot(0) + 4);
        return Plugin.start(Probe.config(engine, program)
                .withInstances(instances)
                .withFailurePolicy(policy)
                .withLimits(Limits.defaults().withCallbackDeadline(Duration.ofSeconds(30)))
                .withLog(log)
                .build(), services);
    }

    private static Headers request(String... names) {
        Headers headers = new Headers().add(":method", "GET").add(":path", "/").add(":authority", "app");
        for (String name : names) {
            headers.add(name, "1");
        }
        return headers;
    }

    /** Runs a whole stream; its id, after checking the plugin served it (nothing stopped, no reply). */
    private static int serve(Plugin plugin) {
        RecordingExchange exchange = new RecordingExchange();
        StreamContext stream = plugin.newStream(exchange);
        assertThat(stream.onRequestHeaders(request(), true).stops()).isFalse();
        assertThat(stream.onResponseHeaders(new Headers().add(":status", "200"), true).stops()).isFalse();
        stream.onLog();
        stream.onDone();
        assertThat(exchange.localReplies).isEmpty();
        assertThat(stream.failed()).isFalse();
        return stream.id();
    }

    private static void trap(Plugin plugin) {
        RecordingExchange exchange = new RecordingExchange();
        plugin.newStream(exchange).onRequestHeaders(request("x-trap"), true);
        assertThat(exchange.onlyLocalReply().isFailure()).isTrue();
    }

    private double activeVms() {
        return services.meterRegistry().get("wasmgate.vm.active").tag("plugin", "probe").gauge().value();
    }

    private boolean logged(String fragment) {
        return log.messages().stream().anyMatch(line -> line.contains(fragment));
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void failedInstanceIsReplacedOffTheRequestPath(Engine engine) throws Exception {
        try (Plugin plugin = start(engine, 2, FailurePolicy.FAIL_CLOSED)) {
            assertThat(serve(plugin)).as("instance 0's first stream").isEqualTo(2);
            trap(plugin);
            assertThat(replacementStarting.await(10, TimeUnit.SECONDS)).as("instance 1's replacement is starting").isTrue();

            List<Integer> servedWhileItStarts = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                servedWhileItStarts.add(serve(plugin));
            }

            assertThat(servedWhileItStarts).as("every stream, those picked for instance 1 too, ran on instance 0")
                    .containsExactly(3, 4, 5, 6);
            assertThat(release.getCount()).as("all while the replacement was still held").isEqualTo(1);
            assertThat(logged("replaced failed VM instance")).isFalse();

            release.countDown();
            Poll.until("instance 1 to be replaced", () -> logged("replaced failed VM instance 1"));
            assertThat(serve(plugin)).as("instance 0 goes on").isEqualTo(7);
            assertThat(serve(plugin)).as("instance 1 serves again, on its replacement").isEqualTo(2);
            assertThat(activeVms()).isEqualTo(2);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void withNoHealthyInstanceAStreamWaitsForTheReplacementAlreadyStarting(Engine engine) throws Exception {
        try (Plugin plugin = start(engine, 1, FailurePolicy.FAIL_CLOSED)) {
            trap(plugin);
            assertThat(replacementStarting.await(10, TimeUnit.SECONDS)).isTrue();

            CompletableFuture<Integer> next = CompletableFuture.supplyAsync(() -> serve(plugin));
            assertThat(next).as("held with the replacement's start").isNotDone();
            release.countDown();

            assertThat(next.get(10, TimeUnit.SECONDS)).as("served by the replacement, not by the failure policy").isEqualTo(2);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void closingThePluginWhileAReplacementStartsLeavesNoInstanceRunning(Engine engine) throws Exception {
        Plugin plugin = start(engine, 2, FailurePolicy.FAIL_CLOSED);
        trap(plugin);
        assertThat(replacementStarting.await(10, TimeUnit.SECONDS)).isTrue();

        plugin.close();

        assertThat(interrupted.getCount()).as("the start was told to stop, and finished anyway").isZero();
        assertThat(activeVms()).as("the replacement that finished after close was closed too").isZero();
        assertThat(logged("replaced failed VM instance")).isFalse();
        assertThat(logged("cannot replace")).isFalse();
    }
}
