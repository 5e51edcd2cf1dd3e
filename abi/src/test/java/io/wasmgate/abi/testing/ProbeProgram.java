package io.wasmgate.abi.testing;

import io.wasmgate.abi.vm.Callback;
import io.wasmgate.abi.wire.HeaderField;
import io.wasmgate.abi.wire.HeaderPairsCodec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A program for the {@code probe} fixture ({@code sample-policies/fixtures/probe.wat}, which documents the
 * format): data in a blob, and steps that each call one hostcall with raw i32 arguments in one callback.
 *
 * <pre>{@code
 * ProbeProgram program = new ProbeProgram();
 * ProbeProgram.Data key = program.blob("x-key");
 * program.on(Callback.ON_REQUEST_HEADERS)
 *         .call(Op.PROXY_GET_HEADER_MAP_VALUE, 0, key.ptr(), key.len(), Probe.RET_PTR, Probe.RET_SIZE)
 *         .returns(1);
 * }</pre>
 */
public final class ProbeProgram {
    /** {@code "prb1"}: marks a configuration as a program. */
    static final int MAGIC = 0x31627270;
    /** Where blob byte 0 lives in guest memory. */
    public static final int BLOB = 0x1008;
    private static final int MAX_ARGS = 12;
    private static final int OP_RETURN = 100;
    private static final int OP_TRAP = 101;
    private static final int OP_ARGS = 102;
    private static final int OP_SPIN = 103;
    private static final int OP_DEPTH = 104;
    private static final int OP_HANG = 105;
    private static final int OP_GROW = 106;
    private static final int OP_IF_REQUEST_HEADER = 107;

    /** The host functions the probe can call, in the probe's op order; {@link #name()} lower-cased is the import name. */
    public enum Op {
        PROXY_LOG(3),
        PROXY_GET_LOG_LEVEL(1),
        PROXY_GET_CURRENT_TIME_NANOSECONDS(1),
        PROXY_SET_TICK_PERIOD_MILLISECONDS(1),
        PROXY_SET_EFFECTIVE_CONTEXT(1),
        PROXY_DONE(0),
        PROXY_GET_BUFFER_BYTES(5),
        PROXY_SET_BUFFER_BYTES(5),
        PROXY_GET_BUFFER_STATUS(3),
        PROXY_GET_HEADER_MAP_SIZE(2),
        PROXY_GET_HEADER_MAP_PAIRS(3),
        PROXY_SET_HEADER_MAP_PAIRS(3),
        PROXY_GET_HEADER_MAP_VALUE(5),
        PROXY_ADD_HEADER_MAP_VALUE(5),
        PROXY_REPLACE_HEADER_MAP_VALUE(5),
        PROXY_REMOVE_HEADER_MAP_VALUE(3),
        PROXY_CONTINUE_STREAM(1),
        PROXY_CLOSE_STREAM(1),
        PROXY_SEND_LOCAL_RESPONSE(8),
        PROXY_GET_STATUS(3),
        PROXY_HTTP_CALL(10),
        PROXY_GRPC_CALL(12),
        PROXY_GRPC_STREAM(9),
        PROXY_GRPC_SEND(4),
        PROXY_GRPC_CANCEL(1),
        PROXY_GRPC_CLOSE(1),
        PROXY_GET_SHARED_DATA(5),
        PROXY_SET_SHARED_DATA(5),
        PROXY_REGISTER_SHARED_QUEUE(3),
        PROXY_RESOLVE_SHARED_QUEUE(5),
        PROXY_ENQUEUE_SHARED_QUEUE(3),
        PROXY_DEQUEUE_SHARED_QUEUE(3),
        PROXY_DEFINE_METRIC(4),
        /** {@code (metric_id, delta: i64)}: the probe takes the i64 as two args, low word first. */
        PROXY_INCREMENT_METRIC(3),
        /** {@code (metric_id, value: i64)}: the probe takes the i64 as two args, low word first. */
        PROXY_RECORD_METRIC(3),
        PROXY_GET_METRIC(2),
        PROXY_GET_PROPERTY(4),
        PROXY_SET_PROPERTY(4),
        PROXY_CALL_FOREIGN_FUNCTION(6),
        /** ABI 0.1.0. */
        PROXY_GET_CONFIGURATION(2),
        /** ABI 0.1.0. */
        PROXY_CONTINUE_REQUEST(0),
        /** ABI 0.1.0. */
        PROXY_CONTINUE_RESPONSE(0),
        /** ABI 0.1.0. */
        PROXY_CLEAR_ROUTE_CACHE(0),
        /** Emscripten helper in {@code env}; records {@code a == b}, not a status. */
        PTHREAD_EQUAL(2),
        /** Emscripten helper in {@code env}; returns nothing, the probe records 0. */
        EMSCRIPTEN_NOTIFY_MEMORY_GROWTH(1);

        private final int args;

        Op(int args) {
            this.args = args;
        }

        /** Number of probe arguments (the i64 of the metric calls counts as two). */
        public int args() {
            return args;
        }

        /** The exact ABI name, e.g. {@code proxy_get_header_map_value}. */
        public String abiName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** {@code true} for the ABI 0.1.0 calls that 0.2.x removed. */
        public boolean legacy() {
            return ordinal() >= PROXY_GET_CONFIGURATION.ordinal() && ordinal() <= PROXY_CLEAR_ROUTE_CACHE.ordinal();
        }

        /** {@code true} for the proxy-wasm hostcalls (every op but the Emscripten helpers), which return a status. */
        public boolean proxyWasm() {
            return ordinal() <= PROXY_CLEAR_ROUTE_CACHE.ordinal();
        }
    }

    /** Bytes in the blob: their guest address and length. */
    public record Data(int ptr, int len) {}

    private final ByteArrayOutputStream blob = new ByteArrayOutputStream();
    private final List<int[]> steps = new ArrayList<>();

    /** Adds UTF-8 text to the blob. */
    public Data blob(String text) {
        return blob(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Adds bytes to the blob. */
    public Data blob(byte[] bytes) {
        Data data = new Data(BLOB + blob.size(), bytes.length);
        blob.writeBytes(bytes);
        return data;
    }

    /** Adds serialized header pairs to the blob; arguments alternate name, value. */
    public Data pairs(String... namesAndValues) {
        List<HeaderField> fields = new ArrayList<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            fields.add(new HeaderField(namesAndValues[i], namesAndValues[i + 1]));
        }
        return blob(HeaderPairsCodec.encode(fields));
    }

    /** Makes {@code callback} trap on the streams whose request carries the header {@code name}; returns this program. */
    public ProbeProgram trapsWhenRequestHas(Callback callback, String name) {
        on(callback).onlyIfRequestHeader(blob(name)).traps();
        return this;
    }

    /** The steps of one callback; they run in the order they are added. */
    public Steps on(Callback callback) {
        return new Steps(id(callback));
    }

    /** The program as the probe reads it from its configuration. */
    public byte[] toBytes() {
        byte[] data = blob.toByteArray();
        int padded = (data.length + 3) & ~3;
        ByteBuffer out = ByteBuffer.allocate(8 + padded + steps.size() * (2 + MAX_ARGS) * 4).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(MAGIC).putInt(data.length).put(data).position(8 + padded);
        steps.forEach(step -> Arrays.stream(step).forEach(out::putInt));
        return out.array();
    }

    /** Steps for one callback. */
    public final class Steps {
        private final int callback;

        private Steps(int callback) {
            this.callback = callback;
        }

        /** Calls {@code op} with {@code args} (exactly {@link Op#args()} of them) and records its status. */
        public Steps call(Op op, int... args) {
            if (args.length != op.args()) {
                throw new IllegalArgumentException(op.abiName() + " takes " + op.args() + " arguments, got " + args.length);
            }
            return step(op.ordinal(), args);
        }

        /** Makes the callback return {@code value} (the last such step wins). */
        public Steps returns(int value) {
            return step(OP_RETURN, value);
        }

        /** Traps ({@code unreachable}). */
        public Steps traps() {
            return step(OP_TRAP);
        }

        /** Records the callback's own arguments, context id first. */
        public Steps recordsArgs() {
            return step(OP_ARGS);
        }

        /** Busy-waits {@code millis} milliseconds of wall-clock time inside the callback; records nothing. */
        public Steps spins(int millis) {
            return step(OP_SPIN, millis);
        }

        /**
         * Records how many callbacks of this instance are running their steps right now, this one included:
         * 1 unless another callback encloses or overlaps this one.
         */
        public Steps recordsDepth() {
            return step(OP_DEPTH);
        }

        /** Loops forever without calling the host (a plugin stuck in a callback). */
        public Steps hangs() {
            return step(OP_HANG);
        }

        /** Records {@code memory.grow(pages)}: the old size in pages, or -1 if the memory cannot grow. */
        public Steps grows(int pages) {
            return step(OP_GROW, pages);
        }

        /**
         * The rest of this callback's steps run only if the current context has request header {@code key};
         * records nothing (the header value, if any, is allocated on the probe's heap). Lets one program
         * misbehave in one stream and behave in the next.
         */
        public Steps onlyIfRequestHeader(Data key) {
            return step(OP_IF_REQUEST_HEADER, key.ptr(), key.len());
        }

        private Steps step(int op, int... args) {
            int[] step = new int[2 + MAX_ARGS];
            step[0] = callback;
            step[1] = op;
            System.arraycopy(args, 0, step, 2, args.length);
            steps.add(step);
            return this;
        }
    }

    /** The probe's callback ids. */
    private static int id(Callback callback) {
        return switch (callback) {
            case ON_CONTEXT_CREATE -> 1;
            case ON_VM_START -> 2;
            case ON_CONFIGURE -> 3;
            case ON_TICK -> 4;
            case ON_QUEUE_READY -> 5;
            case ON_FOREIGN_FUNCTION -> 6;
            case ON_REQUEST_HEADERS -> 7;
            case ON_REQUEST_BODY -> 8;
            case ON_REQUEST_TRAILERS -> 9;
            case ON_RESPONSE_HEADERS -> 10;
            case ON_RESPONSE_BODY -> 11;
            case ON_RESPONSE_TRAILERS -> 12;
            case ON_HTTP_CALL_RESPONSE -> 13;
            case ON_GRPC_RECEIVE_INITIAL_METADATA -> 14;
            case ON_GRPC_RECEIVE -> 15;
            case ON_GRPC_RECEIVE_TRAILING_METADATA -> 16;
            case ON_GRPC_CLOSE -> 17;
            case ON_LOG -> 18;
            case ON_DONE -> 19;
            case ON_DELETE -> 20;
            default -> throw new IllegalArgumentException("the probe runs no steps in " + callback.exportName());
        };
    }
}
