package io.wasmgate.abi.hostcalls;

import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_SET_TICK_PERIOD_MILLISECONDS;
import static io.wasmgate.abi.wire.WasmResult.OK;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.FunctionTimer;
import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.context.RootContext;
import io.wasmgate.abi.plugin.StreamContext;
import io.wasmgate.abi.services.HostServices;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.testing.Poll;
import io.wasmgate.abi.testing.Probe;
import io.wasmgate.abi.testing.ProbeProgram;
import io.wasmgate.abi.testing.RecordingExchange;
import io.wasmgate.abi.vm.Callback;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code proxy_set_tick_period_milliseconds} and {@code proxy_on_tick}: one timer per root
 * context, delivered on a host thread under the VM's lock. Waits are bounded polls; the only sleeps measure a
 * window in which ticks must <em>not</em> arrive.
 */
class TimerHostcallsTest {
    private static final int ROOT = 1;

    private static double tickCallbacks(HostServices services) {
        FunctionTimer timer = services.meterRegistry().find("wasmgate.callback.duration").tag("callback", "proxy_on_tick")
                .functionTimer();
        return timer == null ? 0 : timer.count();
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aTickPeriodDeliversOnTickToTheRootAgainAndAgain(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        program.on(Callback.ON_CONFIGURE).call(PROXY_SET_TICK_PERIOD_MILLISECONDS, 20);
        program.on(Callback.ON_TICK).recordsArgs();
        try (Probe probe = Probe.start(engine, program)) {
            assertThat(probe.awaitResults(4)).as("OK from configure, then proxy_on_tick(root_id) three times")
                    .startsWith(OK.code(), ROOT, ROOT, ROOT).containsOnly(OK.code(), ROOT);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aPeriodSetFromAStreamIsTheRootsTimer(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        program.on(Callback.ON_REQUEST_HEADERS).call(PROXY_SET_TICK_PERIOD_MILLISECONDS, 10);
        program.on(Callback.ON_TICK).recordsArgs();
        try (Probe probe = Probe.start(engine, program)) {
            StreamContext stream = probe.newStream(new RecordingExchange());
            assertThat(stream.id()).isNotEqualTo(ROOT);
            stream.onRequestHeaders(new Headers(), true);

            assertThat(probe.awaitResults(3)).startsWith(OK.code(), ROOT, ROOT).containsOnly(OK.code(), ROOT);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void periodZeroStopsTheTimer(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        program.on(Callback.ON_CONFIGURE).call(PROXY_SET_TICK_PERIOD_MILLISECONDS, 10);
        program.on(Callback.ON_TICK).recordsArgs().call(PROXY_SET_TICK_PERIOD_MILLISECONDS, 0);
        try (Probe probe = Probe.start(engine, program)) {
            assertThat(probe.awaitResults(3)).containsExactly(OK.code(), ROOT, OK.code());

            Poll.pause(100);
            assertThat(probe.results()).as("no tick in ten periods after 0").isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aPeriodBelowTheMinimumIsRaisedToIt(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        program.on(Callback.ON_CONFIGURE).call(PROXY_SET_TICK_PERIOD_MILLISECONDS, 1);
        program.on(Callback.ON_TICK).recordsArgs();
        try (HostServices services = HostServices.create()) {
            long started = System.nanoTime();
            Probe probe = Probe.start(engine, program, services, config -> config);
            assertThat(probe.awaitResults(2)).startsWith(OK.code(), ROOT);
            Poll.pause(30 * RootContext.MIN_TICK_MILLIS);
            probe.close();
            long elapsedMillis = (System.nanoTime() - started) / 1_000_000;

            double ticks = tickCallbacks(services);
            assertThat(ticks).as("at most one tick per %d ms in %d ms", RootContext.MIN_TICK_MILLIS, elapsedMillis)
                    .isGreaterThanOrEqualTo(2)
                    .isLessThanOrEqualTo(elapsedMillis / RootContext.MIN_TICK_MILLIS + 1);
        }
    }

    /**
     * The stream callback busy-waits for 20 tick periods. Every callback records how many callbacks of the
     * instance are running its steps at that moment: a tick that ran alongside the stream, or inside it,
     * would record 2.
     */
    @ParameterizedTest
    @EnumSource(Engine.class)
    void aTickNeverOverlapsAStreamCallbackOfTheSameInstance(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        program.on(Callback.ON_CONFIGURE).call(PROXY_SET_TICK_PERIOD_MILLISECONDS, 10);
        program.on(Callback.ON_TICK).recordsDepth();
        program.on(Callback.ON_REQUEST_HEADERS).recordsDepth().spins(200).recordsDepth();
        try (Probe probe = Probe.start(engine, program)) {
            List<Integer> depths = new ArrayList<>(probe.results());
            depths.addAll(probe.awaitResults(2));
            double ticksBefore = tickCallbacks(probe.services());

            long started = System.nanoTime();
            probe.newStream(new RecordingExchange()).onRequestHeaders(new Headers(), true);
            long spunMillis = (System.nanoTime() - started) / 1_000_000;
            double ticksDuring = tickCallbacks(probe.services()) - ticksBefore;
            depths.addAll(probe.awaitResults(3));

            assertThat(spunMillis).isGreaterThanOrEqualTo(200);
            assertThat(ticksDuring).as("ticks due while the stream callback ran wait for it: one may have finished "
                    + "just before it and one just after, not the twenty that were due").isLessThanOrEqualTo(2);
            assertThat(depths).as("every callback ran alone").hasSizeGreaterThanOrEqualTo(6).containsOnly(OK.code(), 1);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void ticksStopWhenTheVmCloses(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        program.on(Callback.ON_CONFIGURE).call(PROXY_SET_TICK_PERIOD_MILLISECONDS, 10);
        program.on(Callback.ON_TICK).recordsArgs();
        try (HostServices services = HostServices.create()) {
            Probe probe = Probe.start(engine, program, services, config -> config);
            probe.awaitResults(3);

            probe.close();
            double ticksAtClose = tickCallbacks(services);
            probe.results();
            Poll.pause(100);

            assertThat(probe.results()).as("no tick in ten periods after close").isEmpty();
            assertThat(tickCallbacks(services)).isEqualTo(ticksAtClose);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aTrapInOnTickFailsTheVmAndStopsItsTimer(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        program.on(Callback.ON_CONFIGURE).call(PROXY_SET_TICK_PERIOD_MILLISECONDS, 10);
        program.on(Callback.ON_TICK).recordsArgs().traps();
        try (HostServices services = HostServices.create();
                Probe probe = Probe.start(engine, program, services, config -> config)) {
            assertThat(probe.awaitResults(2)).containsExactly(OK.code(), ROOT);
            Poll.until("the VM to fail", () -> probe.vm().failed());

            Poll.pause(100);
            assertThat(probe.results()).as("a failed VM gets no more ticks").isEmpty();
            assertThat(tickCallbacks(services)).isEqualTo(1);
            assertThat(services.meterRegistry().get("wasmgate.traps").counter().count()).isEqualTo(1);
            assertThat(probe.log().messages()).anyMatch(line -> line.contains("trap in proxy_on_tick"));
        }
    }
}
