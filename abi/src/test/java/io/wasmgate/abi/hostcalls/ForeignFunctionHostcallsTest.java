package io.wasmgate.abi.hostcalls;

import static io.wasmgate.abi.testing.Probe.MEMORY_END;
import static io.wasmgate.abi.testing.Probe.UNTOUCHED;
import static io.wasmgate.abi.testing.Probe.slot;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_CALL_FOREIGN_FUNCTION;
import static io.wasmgate.abi.wire.WasmResult.INTERNAL_FAILURE;
import static io.wasmgate.abi.wire.WasmResult.INVALID_MEMORY_ACCESS;
import static io.wasmgate.abi.wire.WasmResult.NOT_FOUND;
import static io.wasmgate.abi.wire.WasmResult.OK;
import static io.wasmgate.abi.wire.WasmResult.SERIALIZATION_FAILURE;
import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.services.ForeignFunctionException;
import io.wasmgate.abi.services.ForeignFunctionRegistry;
import io.wasmgate.abi.services.HostServices;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.testing.Probe;
import io.wasmgate.abi.testing.ProbeProgram;
import io.wasmgate.abi.testing.ProbeProgram.Data;
import io.wasmgate.abi.testing.RecordingExchange;
import io.wasmgate.abi.vm.Callback;
import io.wasmgate.abi.wire.LogLevel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code proxy_call_foreign_function} with functions an integration registers on
 * {@link HostServices}: result bytes returned like any buffer, an unknown name {@code NOT_FOUND}, a
 * {@link ForeignFunctionException} its own status, any other exception {@code INTERNAL_FAILURE}, never a trap.
 * A return pointer of 0 discards the result, so these tests return into scratch slot 1, never address 0.
 */
class ForeignFunctionHostcallsTest {
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final HostServices services = HostServices.builder()
            .withForeignFunctions(new ForeignFunctionRegistry()
                    .register("reverse", arguments -> {
                        calls.add("reverse " + new String(arguments));
                        byte[] reversed = new byte[arguments.length];
                        for (int i = 0; i < arguments.length; i++) {
                            reversed[i] = arguments[arguments.length - 1 - i];
                        }
                        return reversed;
                    })
                    .register("refuse", arguments -> {
                        throw new ForeignFunctionException(SERIALIZATION_FAILURE, "cannot decode");
                    })
                    .register("broken", arguments -> {
                        throw new IllegalStateException("bug in the integration");
                    }))
            .build();

    @AfterEach
    void closeServices() {
        services.close();
    }

    private Probe start(Engine engine, ProbeProgram program) {
        return Probe.start(engine, program, services, config -> config);
    }

    private static void request(Probe probe) {
        probe.newStream(new RecordingExchange()).onRequestHeaders(new Headers(), true);
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aRegisteredFunctionsResultBytesAreReturnedFromRootAndStream(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data name = program.blob("reverse");
        Data args = program.blob("abc");
        program.on(Callback.ON_CONFIGURE).call(PROXY_CALL_FOREIGN_FUNCTION, name.ptr(), name.len(), args.ptr(), args.len(), slot(0), slot(0) + 4);
        program.on(Callback.ON_REQUEST_HEADERS).call(PROXY_CALL_FOREIGN_FUNCTION, name.ptr(), name.len(), args.ptr(), args.len(), slot(1), slot(1) + 4);
        try (Probe probe = start(engine, program)) {
            assertThat(probe.statuses()).containsExactly(OK);
            assertThat(probe.returned(slot(0))).asString().isEqualTo("cba");

            request(probe);

            assertThat(probe.statuses()).containsExactly(OK);
            assertThat(probe.returned(slot(1))).asString().isEqualTo("cba");
            assertThat(calls).containsExactly("reverse abc", "reverse abc");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void anEmptyResultIsZeroPointerAndSizeAndAZeroReturnPointerDiscardsTheResult(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data name = program.blob("reverse");
        Data args = program.blob("xyz");
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_CALL_FOREIGN_FUNCTION, name.ptr(), name.len(), 0, 0, slot(1), slot(1) + 4)
                .call(PROXY_CALL_FOREIGN_FUNCTION, name.ptr(), name.len(), args.ptr(), args.len(), 0, 0)
                .call(PROXY_CALL_FOREIGN_FUNCTION, name.ptr(), name.len(), args.ptr(), args.len(), 0, MEMORY_END);
        try (Probe probe = start(engine, program)) {
            probe.fillScratch();
            request(probe);

            assertThat(probe.statuses()).containsExactly(OK, OK, OK);
            assertThat(probe.u32(slot(1))).isZero();
            assertThat(probe.u32(slot(1) + 4)).isZero();
            assertThat(probe.bytes(0, slot(1))).as("address 0 is the discard pointer").containsOnly((byte) 0xA5);
            assertThat(probe.allocations()).isZero();
            assertThat(calls).as("the function still runs").containsExactly("reverse ", "reverse xyz", "reverse xyz");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void anUnknownNameIsNotFoundAndWritesNothing(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data name = program.blob("compress");
        program.on(Callback.ON_REQUEST_HEADERS).call(PROXY_CALL_FOREIGN_FUNCTION, name.ptr(), name.len(), 0, 0, slot(1), slot(1) + 4);
        try (Probe probe = start(engine, program)) {
            probe.fillScratch();
            request(probe);

            assertThat(probe.statuses()).containsExactly(NOT_FOUND);
            assertThat(probe.u32(slot(1))).isEqualTo(UNTOUCHED);
            assertThat(probe.allocations()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aFunctionsExceptionIsItsStatusAndAnyOtherFailureIsInternalFailure(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data refuse = program.blob("refuse");
        Data broken = program.blob("broken");
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_CALL_FOREIGN_FUNCTION, refuse.ptr(), refuse.len(), 0, 0, slot(1), slot(1) + 4)
                .call(PROXY_CALL_FOREIGN_FUNCTION, broken.ptr(), broken.len(), 0, 0, slot(1), slot(1) + 4);
        try (Probe probe = start(engine, program)) {
            probe.fillScratch();
            request(probe);

            assertThat(probe.statuses()).containsExactly(SERIALIZATION_FAILURE, INTERNAL_FAILURE);
            assertThat(probe.u32(slot(1))).isEqualTo(UNTOUCHED);
            assertThat(probe.vm().failed()).isFalse();
            assertThat(probe.log().lines).anyMatch(line -> line.level() == LogLevel.ERROR
                    && line.message().contains("foreign function broken failed")
                    && line.message().contains("bug in the integration"));
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void badPointersAreInvalidMemoryAccessAndTheFunctionDoesNotRun(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data name = program.blob("reverse");
        Data args = program.blob("abc");
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_CALL_FOREIGN_FUNCTION, MEMORY_END, 7, args.ptr(), args.len(), slot(1), slot(1) + 4)
                .call(PROXY_CALL_FOREIGN_FUNCTION, name.ptr(), name.len(), 0xFFFFFFF0, 0x20, slot(1), slot(1) + 4)
                .call(PROXY_CALL_FOREIGN_FUNCTION, name.ptr(), name.len(), args.ptr(), args.len(), MEMORY_END, slot(1) + 4)
                .call(PROXY_CALL_FOREIGN_FUNCTION, name.ptr(), name.len(), args.ptr(), args.len(), slot(1), MEMORY_END - 1);
        try (Probe probe = start(engine, program)) {
            probe.fillScratch();
            request(probe);

            assertThat(probe.statuses()).containsOnly(INVALID_MEMORY_ACCESS).hasSize(4);
            assertThat(probe.allocations()).isZero();
            assertThat(probe.u32(slot(1))).isEqualTo(UNTOUCHED);
            assertThat(calls).as("a bad name or argument range never reaches the function; bad return slots are found after it ran, as in cpp-host")
                    .containsExactly("reverse abc", "reverse abc");
            assertThat(probe.vm().failed()).isFalse();
        }
    }
}
