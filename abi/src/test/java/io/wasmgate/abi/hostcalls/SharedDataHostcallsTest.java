package io.wasmgate.abi.hostcalls;

import static io.wasmgate.abi.testing.Probe.MEMORY_END;
import static io.wasmgate.abi.testing.Probe.RET_PTR;
import static io.wasmgate.abi.testing.Probe.RET_SIZE;
import static io.wasmgate.abi.testing.Probe.RET_U32;
import static io.wasmgate.abi.testing.Probe.UNTOUCHED;
import static io.wasmgate.abi.testing.Probe.slot;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_GET_SHARED_DATA;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_SET_SHARED_DATA;
import static io.wasmgate.abi.wire.WasmResult.CAS_MISMATCH;
import static io.wasmgate.abi.wire.WasmResult.INVALID_MEMORY_ACCESS;
import static io.wasmgate.abi.wire.WasmResult.NOT_FOUND;
import static io.wasmgate.abi.wire.WasmResult.OK;
import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.services.HostServices;
import io.wasmgate.abi.services.SharedDataStore;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.testing.Probe;
import io.wasmgate.abi.testing.ProbeProgram;
import io.wasmgate.abi.testing.ProbeProgram.Data;
import io.wasmgate.abi.testing.RecordingExchange;
import io.wasmgate.abi.vm.Callback;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code proxy_get_shared_data} and {@code proxy_set_shared_data}: a process-wide store
 * namespaced by vm_id, with CAS tokens. The probe's vm_id is {@code probe_vm}.
 */
class SharedDataHostcallsTest {
    private static final String VM_ID = "probe_vm";

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Runs the program's request-header steps once, on a new stream. */
    private static void request(Probe probe) {
        probe.newStream(new RecordingExchange()).onRequestHeaders(new Headers(), true);
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aMissingKeyIsNotFoundAndWritesNothing(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data key = program.blob("missing");
        program.on(Callback.ON_REQUEST_HEADERS).call(PROXY_GET_SHARED_DATA, key.ptr(), key.len(), RET_PTR, RET_SIZE, RET_U32);
        try (Probe probe = Probe.start(engine, program)) {
            probe.fillScratch();
            request(probe);

            assertThat(probe.statuses()).containsExactly(NOT_FOUND);
            assertThat(probe.bytes(0, 0x100)).containsOnly((byte) 0xA5);
            assertThat(probe.allocations()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aValueSetIsReadBackWithItsBytesAndTheCasOfTheWrite(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data key = program.blob("greeting");
        Data value = program.blob(new byte[] {'h', 'i', 0, (byte) 0xFF});
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_SET_SHARED_DATA, key.ptr(), key.len(), value.ptr(), value.len(), 0)
                .call(PROXY_GET_SHARED_DATA, key.ptr(), key.len(), RET_PTR, RET_SIZE, RET_U32);
        try (Probe probe = Probe.start(engine, program)) {
            request(probe);

            assertThat(probe.statuses()).containsExactly(OK, OK);
            assertThat(probe.returned()).containsExactly('h', 'i', 0, 0xFF);
            SharedDataStore.Entry stored = probe.services().sharedData().get(VM_ID, "greeting").orElseThrow();
            assertThat(stored.value()).containsExactly('h', 'i', 0, 0xFF);
            assertThat(probe.u32(RET_U32)).as("the CAS token, a u32").isEqualTo(stored.cas()).isNotZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void anEmptyValueIsOkWithZeroPointerAndSizeAndStillACas(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data key = program.blob("empty");
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_SET_SHARED_DATA, key.ptr(), key.len(), 0, 0, 0)
                .call(PROXY_GET_SHARED_DATA, key.ptr(), key.len(), RET_PTR, RET_SIZE, RET_U32);
        try (Probe probe = Probe.start(engine, program)) {
            probe.fillScratch();
            request(probe);

            assertThat(probe.statuses()).containsExactly(OK, OK);
            assertThat(probe.u32(RET_PTR)).isZero();
            assertThat(probe.u32(RET_SIZE)).isZero();
            assertThat(probe.u32(RET_U32)).isEqualTo(probe.services().sharedData().get(VM_ID, "empty").orElseThrow().cas());
            assertThat(probe.allocations()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aStaleCasIsCasMismatchAndTheCurrentCasWins(Engine engine) {
        try (HostServices services = HostServices.create()) {
            SharedDataStore store = services.sharedData();
            store.set(VM_ID, "k", bytes("v1"), 0);
            int stale = store.get(VM_ID, "k").orElseThrow().cas();
            store.set(VM_ID, "k", bytes("v2"), 0);
            int current = store.get(VM_ID, "k").orElseThrow().cas();

            ProbeProgram program = new ProbeProgram();
            Data key = program.blob("k");
            Data lost = program.blob("lost");
            Data won = program.blob("won");
            program.on(Callback.ON_REQUEST_HEADERS)
                    .call(PROXY_SET_SHARED_DATA, key.ptr(), key.len(), lost.ptr(), lost.len(), stale)
                    .call(PROXY_SET_SHARED_DATA, key.ptr(), key.len(), won.ptr(), won.len(), current)
                    .call(PROXY_SET_SHARED_DATA, key.ptr(), key.len(), lost.ptr(), lost.len(), current)
                    .call(PROXY_GET_SHARED_DATA, key.ptr(), key.len(), RET_PTR, RET_SIZE, RET_U32);
            try (Probe probe = Probe.start(engine, program, services, config -> config)) {
                request(probe);

                assertThat(probe.statuses()).as("CAS_MISMATCH is 8").containsExactly(CAS_MISMATCH, OK, CAS_MISMATCH, OK);
                assertThat(CAS_MISMATCH.code()).isEqualTo(8);
                assertThat(probe.returned()).asString().isEqualTo("won");
                assertThat(probe.u32(RET_U32)).isNotEqualTo(current).isEqualTo(store.get(VM_ID, "k").orElseThrow().cas());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aNonZeroCasOnAMissingKeyWritesAsInCppHost(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data key = program.blob("fresh");
        Data value = program.blob("v");
        program.on(Callback.ON_REQUEST_HEADERS).call(PROXY_SET_SHARED_DATA, key.ptr(), key.len(), value.ptr(), value.len(), 12345);
        try (Probe probe = Probe.start(engine, program)) {
            request(probe);

            assertThat(probe.statuses()).containsExactly(OK);
            assertThat(probe.services().sharedData().get(VM_ID, "fresh").orElseThrow().value()).asString().isEqualTo("v");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void dataIsSharedByEveryVmAndPluginWithTheSameVmIdAndInvisibleToOthers(Engine engine) {
        ProbeProgram writer = new ProbeProgram();
        Data key = writer.blob("shared-key");
        Data value = writer.blob("from-writer");
        writer.on(Callback.ON_CONFIGURE).call(PROXY_SET_SHARED_DATA, key.ptr(), key.len(), value.ptr(), value.len(), 0);
        ProbeProgram reader = new ProbeProgram();
        Data readKey = reader.blob("shared-key");
        reader.on(Callback.ON_REQUEST_HEADERS).call(PROXY_GET_SHARED_DATA, readKey.ptr(), readKey.len(), RET_PTR, RET_SIZE, RET_U32);

        try (HostServices services = HostServices.create();
                Probe first = Probe.start(engine, writer, services, config -> config.withVmId("tenant"));
                Probe sameVmId = Probe.start(engine, reader, services, config -> config.withVmId("tenant"));
                Probe otherPlugin = Probe.start(engine, reader, services,
                        config -> config.withVmId("tenant").withRootId("other_root"));
                Probe otherVmId = Probe.start(engine, reader, services, config -> config.withVmId("elsewhere"))) {
            assertThat(first.statuses()).containsExactly(OK);

            request(sameVmId);
            request(otherPlugin);
            request(otherVmId);

            assertThat(sameVmId.statuses()).containsExactly(OK);
            assertThat(sameVmId.returned()).asString().isEqualTo("from-writer");
            assertThat(otherPlugin.statuses()).containsExactly(OK);
            assertThat(otherPlugin.returned()).asString().isEqualTo("from-writer");
            assertThat(otherVmId.statuses()).containsExactly(NOT_FOUND);
            assertThat(services.sharedData().get("tenant", "shared-key")).isPresent();
            assertThat(services.sharedData().get("elsewhere", "shared-key")).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void badPointersAreInvalidMemoryAccessAndChangeAndAllocateNothing(Engine engine) {
        try (HostServices services = HostServices.create()) {
            services.sharedData().set(VM_ID, "k", bytes("kept"), 0);
            int cas = services.sharedData().get(VM_ID, "k").orElseThrow().cas();
            ProbeProgram program = new ProbeProgram();
            Data key = program.blob("k");
            Data value = program.blob("new");
            program.on(Callback.ON_REQUEST_HEADERS)
                    .call(PROXY_GET_SHARED_DATA, MEMORY_END, 1, RET_PTR, RET_SIZE, RET_U32)
                    .call(PROXY_GET_SHARED_DATA, 0xFFFFFFF0, 0x20, RET_PTR, RET_SIZE, RET_U32)
                    .call(PROXY_GET_SHARED_DATA, key.ptr(), key.len(), MEMORY_END, RET_SIZE, RET_U32)
                    .call(PROXY_GET_SHARED_DATA, key.ptr(), key.len(), RET_PTR, MEMORY_END - 2, RET_U32)
                    .call(PROXY_GET_SHARED_DATA, key.ptr(), key.len(), RET_PTR, RET_SIZE, MEMORY_END - 3)
                    .call(PROXY_SET_SHARED_DATA, MEMORY_END, 1, value.ptr(), value.len(), 0)
                    .call(PROXY_SET_SHARED_DATA, key.ptr(), key.len(), MEMORY_END - 1, 2, 0)
                    .call(PROXY_SET_SHARED_DATA, key.ptr(), key.len(), 0xFFFFFFFF, 0xFFFFFFFF, 0);
            try (Probe probe = Probe.start(engine, program, services, config -> config)) {
                probe.fillScratch();
                request(probe);

                assertThat(probe.statuses()).containsOnly(INVALID_MEMORY_ACCESS).hasSize(8);
                assertThat(probe.u32(RET_PTR)).isEqualTo(UNTOUCHED);
                assertThat(probe.u32(slot(0))).isEqualTo(UNTOUCHED);
                assertThat(probe.allocations()).as("return slots are checked before allocating").isZero();
                SharedDataStore.Entry entry = services.sharedData().get(VM_ID, "k").orElseThrow();
                assertThat(entry.value()).asString().isEqualTo("kept");
                assertThat(entry.cas()).isEqualTo(cas);
                assertThat(probe.vm().failed()).isFalse();
            }
        }
    }
}
