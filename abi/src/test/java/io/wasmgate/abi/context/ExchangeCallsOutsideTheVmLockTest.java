package io.wasmgate.abi.context;

import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_CLOSE_STREAM;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_CONTINUE_STREAM;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_HTTP_CALL;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_SET_EFFECTIVE_CONTEXT;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_SET_TICK_PERIOD_MILLISECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.plugin.StreamContext;
import io.wasmgate.abi.services.HostServices;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.spi.HttpCallResponse;
import io.wasmgate.abi.spi.HttpExchange;
import io.wasmgate.abi.spi.LocalReply;
import io.wasmgate.abi.testing.Probe;
import io.wasmgate.abi.testing.ProbeProgram.Data;
import io.wasmgate.abi.testing.ProbeProgram;
import io.wasmgate.abi.testing.ScriptedCalloutClient;
import io.wasmgate.abi.vm.Callback;
import io.wasmgate.abi.wire.HeaderField;
import io.wasmgate.abi.wire.StreamType;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A plugin that continues or answers a paused stream from a tick or a callout response reaches the
 * integration with no VM lock held, so the integration may call its container there (the servlet filter
 * re-dispatches the request).
 */
class ExchangeCallsOutsideTheVmLockTest {
    private final ScriptedCalloutClient client = new ScriptedCalloutClient("authz");
    private final HostServices services = HostServices.builder().withCalloutClient(client).build();

    @AfterEach
    void stop() {
        services.close();
    }

    /** Records each effect with whether the calling thread held the stream's VM lock at that moment. */
    private static final class LockWitness implements HttpExchange {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final CountDownLatch called = new CountDownLatch(1);
        private final ProxyWasmVm vm;

        LockWitness(ProxyWasmVm vm) {
            this.vm = vm;
        }

        private void record(String call) {
            calls.add(call + (vm.lock().isHeldByCurrentThread() ? " under the VM lock" : " outside the VM lock")
                    + (Thread.currentThread().getName().startsWith("wasmgate-host-") ? " on a host thread" : " on the test thread"));
            called.countDown();
        }

        @Override
        public void continueStream(StreamType direction) {
            record("continue " + direction);
        }

        @Override
        public void closeStream(StreamType direction) {
            record("close " + direction);
        }

        @Override
        public void sendLocalReply(LocalReply reply) {
            record("reply " + reply.status());
        }

        List<String> awaitCalls() throws InterruptedException {
            assertThat(called.await(10, TimeUnit.SECONDS)).as("the plugin's effect reached the exchange").isTrue();
            return calls;
        }
    }

    private Probe start(Engine engine, ProbeProgram program) {
        return Probe.start(engine, program, services, UnaryOperator.identity());
    }

    private static void pause(Witnessed holder) {
        assertThat(holder.stream.onRequestHeaders(new Headers().add(":path", "/"), false).stops()).as("paused").isTrue();
    }

    /** The stream under test and its witness. */
    private record Witnessed(StreamContext stream, LockWitness exchange) {}

    private static Witnessed stream(Probe probe) {
        LockWitness exchange = new LockWitness(probe.vm());
        return new Witnessed(probe.newStream(exchange), exchange);
    }

    /** Pauses request headers and asks for a tick; the tick stops the timer and runs {@code onTick}'s steps. */
    private static ProbeProgram pausingUntilATick() {
        ProbeProgram program = new ProbeProgram();
        program.on(Callback.ON_REQUEST_HEADERS).call(PROXY_SET_TICK_PERIOD_MILLISECONDS, 10).returns(1);
        program.on(Callback.ON_TICK).call(PROXY_SET_TICK_PERIOD_MILLISECONDS, 0);
        return program;
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aStreamResumedFromATickIsContinuedOutsideTheVmLock(Engine engine) throws Exception {
        ProbeProgram program = pausingUntilATick();
        program.on(Callback.ON_TICK).call(PROXY_SET_EFFECTIVE_CONTEXT, 2).call(PROXY_CONTINUE_STREAM, 0);
        try (Probe probe = start(engine, program)) {
            Witnessed paused = stream(probe);
            pause(paused);

            assertThat(paused.exchange.awaitCalls())
                    .containsExactly("continue HTTP_REQUEST outside the VM lock on a host thread");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aStreamResumedFromACalloutResponseIsContinuedOutsideTheVmLock(Engine engine) throws Exception {
        ProbeProgram program = new ProbeProgram();
        Data upstream = program.blob("authz");
        Data pairs = program.pairs(":method", "GET", ":path", "/check", ":authority", "authz.local");
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_HTTP_CALL, upstream.ptr(), upstream.len(), pairs.ptr(), pairs.len(), 0, 0, 0, 0, 1000, Probe.RET_U32)
                .returns(1);
        program.on(Callback.ON_HTTP_CALL_RESPONSE).call(PROXY_SET_EFFECTIVE_CONTEXT, 2).call(PROXY_CONTINUE_STREAM, 0);
        try (Probe probe = start(engine, program)) {
            Witnessed paused = stream(probe);
            pause(paused);

            client.calls.get(0).listener.onResponse(new HttpCallResponse(List.of(new HeaderField(":status", "200")),
                    new byte[0], List.of()));

            assertThat(paused.exchange.awaitCalls())
                    .containsExactly("continue HTTP_REQUEST outside the VM lock on a host thread");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aPausedStreamAnsweredBecauseATickTrappedGetsTheReplyOutsideTheVmLock(Engine engine) throws Exception {
        ProbeProgram program = pausingUntilATick();
        program.on(Callback.ON_TICK).traps();
        try (Probe probe = start(engine, program)) {
            Witnessed paused = stream(probe);
            pause(paused);

            assertThat(paused.exchange.awaitCalls()).containsExactly("reply 503 outside the VM lock on a host thread");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void anEffectAskedForInsideAStreamCallbackReachesTheExchangeOutsideTheVmLockBeforeTheCallReturns(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        program.on(Callback.ON_REQUEST_HEADERS).call(PROXY_CLOSE_STREAM, 0);
        try (Probe probe = start(engine, program)) {
            Witnessed stream = stream(probe);
            stream.stream.onRequestHeaders(new Headers().add(":path", "/"), false);

            assertThat(stream.exchange.calls).containsExactly("close HTTP_REQUEST outside the VM lock on the test thread");
        }
    }
}
