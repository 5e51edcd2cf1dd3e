package io.wasmgate.abi.hostcalls;

import static io.wasmgate.abi.testing.Probe.HEAP;
import static io.wasmgate.abi.testing.Probe.MEMORY_END;
import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.plugin.StreamContext;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.testing.Probe;
import io.wasmgate.abi.testing.ProbeProgram;
import io.wasmgate.abi.testing.ProbeProgram.Data;
import io.wasmgate.abi.testing.ProbeProgram.Op;
import io.wasmgate.abi.testing.RecordingExchange;
import io.wasmgate.abi.vm.Callback;
import io.wasmgate.abi.wire.WasmResult;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every proxy-wasm hostcall (the 39 of ABI 0.2.1 and the 4 legacy ones), with seeded random pointers, lengths and enum values, in the root
 * context and in each stream phase: the VM never fails, no Java exception escapes, and every answer is a
 * proxy-wasm status (STYLE: "hostcalls never throw for guest mistakes").
 *
 * <p>Pointers that may be valid are drawn from the scratch area, the blob (which ends in a guard), the heap
 * and the last bytes of memory, so the host's writes never land on the program or the probe's bookkeeping;
 * everything else is past the end of memory or wraps around.
 */
class HostcallFuzzTest {
    private static final int VECTORS_PER_OP = 4;
    private static final List<Op> OPS = Arrays.stream(Op.values()).filter(Op::proxyWasm).toList();
    private static final List<Callback> PHASES = List.of(Callback.ON_CONFIGURE, Callback.ON_REQUEST_HEADERS,
            Callback.ON_REQUEST_BODY, Callback.ON_RESPONSE_HEADERS, Callback.ON_LOG);

    static Stream<Arguments> seeds() {
        return Arrays.stream(Engine.values())
                .flatMap(engine -> Stream.of(1L, 2L, 3L, 4L, 5L).map(seed -> Arguments.of(engine, seed)));
    }

    @ParameterizedTest(name = "{0}: seed {1}")
    @MethodSource("seeds")
    void randomArgumentsNeverTrapAndAlwaysAnswerAStatus(Engine engine, long seed) {
        Random random = new Random(seed);
        ProbeProgram program = new ProbeProgram();
        byte[] data = new byte[96];
        random.nextBytes(data);
        Data blob = program.blob(data);
        program.pairs(":path", "/fuzz", "x-key", "value");
        program.blob("x-key\0plugin_name\0request\0headers");
        program.blob(new byte[16]);
        Values values = new Values(random, blob);
        for (Callback phase : PHASES) {
            ProbeProgram.Steps steps = program.on(phase);
            for (Op op : OPS) {
                for (int i = 0; i < VECTORS_PER_OP; i++) {
                    steps.call(op, values.next(op.args()));
                }
            }
        }
        int perPhase = OPS.size() * VECTORS_PER_OP;

        Set<WasmResult> seen = EnumSet.noneOf(WasmResult.class);
        try (Probe probe = Probe.start(engine, program)) {
            seen.addAll(statuses(probe, perPhase, "proxy_on_configure"));
            RecordingExchange exchange = new RecordingExchange();
            StreamContext stream = probe.newStream(exchange);
            stream.onRequestHeaders(new Headers().add(":path", "/fuzz").add("x-key", "value"), false);
            seen.addAll(statuses(probe, perPhase, "proxy_on_request_headers"));
            stream.onRequestBody("fuzz body".getBytes(StandardCharsets.UTF_8), true);
            seen.addAll(statuses(probe, perPhase, "proxy_on_request_body"));
            stream.onResponseHeaders(new Headers().add(":status", "200"), true);
            seen.addAll(statuses(probe, perPhase, "proxy_on_response_headers"));
            stream.onLog();
            seen.addAll(statuses(probe, perPhase, "proxy_on_log"));
            stream.onDone();

            assertThat(stream.failed()).isFalse();
            assertThat(probe.vm().failed()).isFalse();
        }
        assertThat(seen).as("the arguments reach past the memory checks").contains(
                WasmResult.OK, WasmResult.NOT_FOUND, WasmResult.BAD_ARGUMENT, WasmResult.INVALID_MEMORY_ACCESS);
    }

    /** The statuses one phase recorded, one per step; {@link Probe#status} fails on anything but an ABI code. */
    private static List<WasmResult> statuses(Probe probe, int expected, String phase) {
        List<Integer> results = probe.results();
        assertThat(results).as(phase).hasSize(expected);
        return results.stream().map(Probe::status).toList();
    }

    /** Argument values: small numbers, enum edges, pointers in safe areas, lengths, and out-of-range ones. */
    private static final class Values {
        private final Random random;
        private final Data blob;

        Values(Random random, Data blob) {
            this.random = random;
            this.blob = blob;
        }

        int[] next(int count) {
            int[] args = new int[count];
            for (int i = 0; i < count; i++) {
                args[i] = next();
            }
            return args;
        }

        private int next() {
            return switch (random.nextInt(13)) {
                case 0 -> random.nextInt(12) - 2;                              // enums, ids, levels, -2..9
                case 1 -> random.nextInt(0xF0);                                // scratch
                case 2 -> blob.ptr() + random.nextInt(blob.len());             // blob data
                case 3 -> random.nextInt(blob.len() + 1);                      // a length that fits the blob
                case 4 -> HEAP + random.nextInt(0x1000);                       // heap
                case 5 -> MEMORY_END - random.nextInt(16);                     // the last bytes of memory
                case 6 -> MEMORY_END;                                          // just past the end
                case 7 -> MEMORY_END + random.nextInt(Integer.MAX_VALUE - MEMORY_END); // far past the end
                case 8 -> -1 - random.nextInt(64);                             // wraps around
                case 9 -> Integer.MAX_VALUE;
                case 10 -> Integer.MIN_VALUE;
                case 11 -> 0x1000;                                             // a large length
                default -> 0;
            };
        }
    }
}
