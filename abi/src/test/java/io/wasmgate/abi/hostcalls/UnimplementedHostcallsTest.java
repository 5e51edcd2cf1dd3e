package io.wasmgate.abi.hostcalls;

import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_GRPC_CALL;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_GRPC_CANCEL;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_GRPC_CLOSE;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_GRPC_SEND;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_GRPC_STREAM;
import static io.wasmgate.abi.wire.WasmResult.UNIMPLEMENTED;
import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.context.StreamContext;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.testing.Probe;
import io.wasmgate.abi.testing.ProbeProgram;
import io.wasmgate.abi.testing.ProbeProgram.Op;
import io.wasmgate.abi.testing.RecordingExchange;
import io.wasmgate.abi.vm.Callback;
import io.wasmgate.abi.vm.Engine;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ABI 0.2.1 hostcalls Wasmgate does not serve yet (timers, callouts, gRPC, shared data, shared queues,
 * metrics, foreign functions): linked with their exact types, and answering {@code UNIMPLEMENTED} (12)
 * without touching guest memory, from the root context and from streams alike.
 */
class UnimplementedHostcallsTest {
    /** Remove an op from here when its hostcall gets served, and cover it in its area's test. */
    static final Set<Op> UNIMPLEMENTED_OPS = EnumSet.of(
            PROXY_GRPC_CALL, PROXY_GRPC_STREAM, PROXY_GRPC_SEND, PROXY_GRPC_CANCEL, PROXY_GRPC_CLOSE);

    static Stream<Arguments> unimplemented() {
        return Arrays.stream(Engine.values())
                .flatMap(engine -> UNIMPLEMENTED_OPS.stream().map(op -> Arguments.of(engine, op)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("unimplemented")
    void answersUnimplementedAndWritesNothing(Engine engine, Op op) {
        int[] slots = new int[op.args()];
        Arrays.fill(slots, Probe.slot(0));
        ProbeProgram program = new ProbeProgram();
        program.on(Callback.ON_CONFIGURE).call(op, slots);
        program.on(Callback.ON_REQUEST_HEADERS).call(op, slots).call(op, new int[op.args()]);
        try (Probe probe = Probe.start(engine, program)) {
            assertThat(probe.statuses()).containsExactly(UNIMPLEMENTED);

            StreamContext stream = probe.newStream(new RecordingExchange());
            probe.fillScratch();
            stream.onRequestHeaders(new Headers(), true);
            assertThat(probe.statuses()).containsExactly(UNIMPLEMENTED, UNIMPLEMENTED);
            assertThat(probe.bytes(0, 0x100)).containsOnly((byte) 0xA5);
            assertThat(probe.allocations()).isZero();
            assertThat(probe.vm().failed()).isFalse();
        }
    }
}
