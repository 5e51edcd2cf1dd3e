package io.wasmgate.abi.hostcalls;

import static io.wasmgate.abi.testing.Probe.MEMORY_END;
import static io.wasmgate.abi.testing.Probe.RET_PTR;
import static io.wasmgate.abi.testing.Probe.RET_SIZE;
import static io.wasmgate.abi.testing.Probe.UNTOUCHED;
import static io.wasmgate.abi.testing.Probe.slot;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_DEQUEUE_SHARED_QUEUE;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_ENQUEUE_SHARED_QUEUE;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_REGISTER_SHARED_QUEUE;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_RESOLVE_SHARED_QUEUE;
import static io.wasmgate.abi.wire.WasmResult.EMPTY;
import static io.wasmgate.abi.wire.WasmResult.INVALID_MEMORY_ACCESS;
import static io.wasmgate.abi.wire.WasmResult.NOT_FOUND;
import static io.wasmgate.abi.wire.WasmResult.OK;
import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.services.HostServices;
import io.wasmgate.abi.services.SharedQueueRegistry;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.testing.Poll;
import io.wasmgate.abi.testing.Probe;
import io.wasmgate.abi.testing.ProbeProgram;
import io.wasmgate.abi.testing.ProbeProgram.Data;
import io.wasmgate.abi.testing.RecordingExchange;
import io.wasmgate.abi.vm.Callback;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Shared queues: register, resolve, enqueue, dequeue, and {@code proxy_on_queue_ready}
 * delivered to the registering root context on a host thread, under its VM's lock.
 *
 * <p>A program needs queue ids as literal arguments, so a test first creates the queue from Java (ids are
 * assigned once per vm_id and name) and the guest then registers the same name, which makes its root the
 * receiver and must return that same id.
 */
class SharedQueueHostcallsTest {
    private static final String VM_ID = "probe_vm";
    private static final int ROOT = 1;
    private static final SharedQueueRegistry.Receiver NOBODY = queueId -> {};

    private static void request(Probe probe) {
        probe.newStream(new RecordingExchange()).onRequestHeaders(new Headers(), true);
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void registerWritesANonZeroIdThatResolveFindsUnderTheOwnVmIdByDefault(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data name = program.blob("jobs");
        Data unknown = program.blob("nope");
        Data ownVmId = program.blob(VM_ID);
        Data otherVmId = program.blob("other_vm");
        program.on(Callback.ON_CONFIGURE)
                .call(PROXY_REGISTER_SHARED_QUEUE, name.ptr(), name.len(), slot(0))
                .call(PROXY_REGISTER_SHARED_QUEUE, name.ptr(), name.len(), slot(1))
                .call(PROXY_RESOLVE_SHARED_QUEUE, 0, 0, name.ptr(), name.len(), slot(2))
                .call(PROXY_RESOLVE_SHARED_QUEUE, ownVmId.ptr(), ownVmId.len(), name.ptr(), name.len(), slot(3))
                .call(PROXY_RESOLVE_SHARED_QUEUE, 0, 0, unknown.ptr(), unknown.len(), slot(4))
                .call(PROXY_RESOLVE_SHARED_QUEUE, otherVmId.ptr(), otherVmId.len(), name.ptr(), name.len(), slot(5));
        try (Probe probe = Probe.start(engine, program)) {
            assertThat(probe.statuses()).containsExactly(OK, OK, OK, OK, NOT_FOUND, NOT_FOUND);
            int id = probe.u32(slot(0));
            assertThat(id).isNotZero().isEqualTo(probe.services().sharedQueues().resolve(VM_ID, "jobs").orElseThrow());
            assertThat(probe.u32(slot(1))).as("registering again opens the same queue").isEqualTo(id);
            assertThat(probe.u32(slot(2))).as("an empty vm_id means the plugin's own").isEqualTo(id);
            assertThat(probe.u32(slot(3))).isEqualTo(id);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void anEnqueueFromAStreamDeliversQueueReadyToTheRegisteringRoot(Engine engine) {
        try (HostServices services = HostServices.create()) {
            int id = services.sharedQueues().register(VM_ID, "jobs", NOBODY);
            ProbeProgram program = new ProbeProgram();
            Data name = program.blob("jobs");
            Data item = program.blob("job-1");
            program.on(Callback.ON_CONFIGURE).call(PROXY_REGISTER_SHARED_QUEUE, name.ptr(), name.len(), slot(0));
            program.on(Callback.ON_REQUEST_HEADERS).call(PROXY_ENQUEUE_SHARED_QUEUE, id, item.ptr(), item.len());
            program.on(Callback.ON_QUEUE_READY)
                    .recordsArgs()
                    .call(PROXY_DEQUEUE_SHARED_QUEUE, id, RET_PTR, RET_SIZE)
                    .call(PROXY_DEQUEUE_SHARED_QUEUE, id, slot(1), slot(1) + 4);
            try (Probe probe = Probe.start(engine, program, services, config -> config)) {
                assertThat(probe.statuses()).containsExactly(OK);
                assertThat(probe.u32(slot(0))).isEqualTo(id);

                probe.fillScratch();
                request(probe);

                assertThat(probe.awaitResults(5)).as("enqueue in the stream, then root id, queue id, OK, EMPTY (7)")
                        .containsExactly(OK.code(), ROOT, id, OK.code(), EMPTY.code());
                assertThat(EMPTY.code()).isEqualTo(7);
                assertThat(probe.returned()).asString().isEqualTo("job-1");
                assertThat(probe.u32(slot(1))).as("EMPTY writes nothing").isEqualTo(UNTOUCHED);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void dequeueIsOkInOrderThenEmptyAndNotFoundForAnUnknownId(Engine engine) {
        try (HostServices services = HostServices.create()) {
            int id = services.sharedQueues().register(VM_ID, "jobs", NOBODY);
            services.sharedQueues().enqueue(id, "a".getBytes(StandardCharsets.UTF_8));
            services.sharedQueues().enqueue(id, "".getBytes(StandardCharsets.UTF_8));
            services.sharedQueues().enqueue(id, "c".getBytes(StandardCharsets.UTF_8));
            ProbeProgram program = new ProbeProgram();
            program.on(Callback.ON_REQUEST_HEADERS)
                    .call(PROXY_DEQUEUE_SHARED_QUEUE, id, slot(0), slot(0) + 4)
                    .call(PROXY_DEQUEUE_SHARED_QUEUE, id, slot(1), slot(1) + 4)
                    .call(PROXY_DEQUEUE_SHARED_QUEUE, id, slot(2), slot(2) + 4)
                    .call(PROXY_DEQUEUE_SHARED_QUEUE, id, slot(3), slot(3) + 4)
                    .call(PROXY_DEQUEUE_SHARED_QUEUE, id + 1000, slot(4), slot(4) + 4)
                    .call(PROXY_DEQUEUE_SHARED_QUEUE, 0, slot(5), slot(5) + 4);
            try (Probe probe = Probe.start(engine, program, services, config -> config)) {
                probe.fillScratch();
                request(probe);

                assertThat(probe.statuses()).containsExactly(OK, OK, OK, EMPTY, NOT_FOUND, NOT_FOUND);
                assertThat(probe.returned(slot(0))).asString().isEqualTo("a");
                assertThat(probe.u32(slot(1))).as("an empty item is (0, 0)").isZero();
                assertThat(probe.u32(slot(1) + 4)).isZero();
                assertThat(probe.returned(slot(2))).asString().isEqualTo("c");
                assertThat(probe.u32(slot(3))).isEqualTo(UNTOUCHED);
                assertThat(probe.u32(slot(4))).isEqualTo(UNTOUCHED);
                assertThat(probe.allocations()).isEqualTo(2);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void queuesWorkAcrossPluginsSharingAVmIdAndByExplicitVmIdFromOthers(Engine engine) {
        try (HostServices services = HostServices.create()) {
            int id = services.sharedQueues().register("tenant", "events", NOBODY);
            ProbeProgram consumer = new ProbeProgram();
            Data name = consumer.blob("events");
            consumer.on(Callback.ON_CONFIGURE).call(PROXY_REGISTER_SHARED_QUEUE, name.ptr(), name.len(), slot(0));
            consumer.on(Callback.ON_QUEUE_READY).recordsArgs().call(PROXY_DEQUEUE_SHARED_QUEUE, id, RET_PTR, RET_SIZE);

            ProbeProgram producer = new ProbeProgram();
            Data producerName = producer.blob("events");
            Data tenant = producer.blob("tenant");
            Data item = producer.blob("from-producer");
            producer.on(Callback.ON_REQUEST_HEADERS)
                    .call(PROXY_RESOLVE_SHARED_QUEUE, 0, 0, producerName.ptr(), producerName.len(), slot(0))
                    .call(PROXY_RESOLVE_SHARED_QUEUE, tenant.ptr(), tenant.len(), producerName.ptr(), producerName.len(), slot(1))
                    .call(PROXY_ENQUEUE_SHARED_QUEUE, id, item.ptr(), item.len());

            try (Probe receiver = Probe.start(engine, consumer, services, config -> config.withVmId("tenant"));
                    Probe samePlugin = Probe.start(engine, producer, services,
                            config -> config.withVmId("tenant").withRootId("producer"));
                    Probe otherVmId = Probe.start(engine, producer, services, config -> config.withVmId("elsewhere"))) {
                assertThat(receiver.statuses()).containsExactly(OK);
                assertThat(receiver.u32(slot(0))).isEqualTo(id);

                request(samePlugin);
                assertThat(samePlugin.statuses()).containsExactly(OK, OK, OK);
                assertThat(samePlugin.u32(slot(0))).isEqualTo(id);
                assertThat(receiver.awaitResults(3)).containsExactly(ROOT, id, OK.code());
                assertThat(receiver.returned()).asString().isEqualTo("from-producer");

                request(otherVmId);
                assertThat(otherVmId.statuses()).as("another vm_id must name the queue's").containsExactly(NOT_FOUND, OK, OK);
                assertThat(receiver.awaitResults(3)).containsExactly(ROOT, id, OK.code());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void badPointersAreInvalidMemoryAccessAndLoseOrCreateNothing(Engine engine) {
        try (HostServices services = HostServices.create()) {
            int id = services.sharedQueues().register(VM_ID, "jobs", NOBODY);
            services.sharedQueues().enqueue(id, "kept".getBytes(StandardCharsets.UTF_8));
            ProbeProgram program = new ProbeProgram();
            Data name = program.blob("never");
            Data jobs = program.blob("jobs");
            program.on(Callback.ON_REQUEST_HEADERS)
                    .call(PROXY_REGISTER_SHARED_QUEUE, MEMORY_END, 4, slot(0))
                    .call(PROXY_REGISTER_SHARED_QUEUE, name.ptr(), name.len(), MEMORY_END - 2)
                    .call(PROXY_RESOLVE_SHARED_QUEUE, MEMORY_END, 1, jobs.ptr(), jobs.len(), slot(0))
                    .call(PROXY_RESOLVE_SHARED_QUEUE, 0, 0, 0xFFFFFFF0, 0x20, slot(0))
                    .call(PROXY_RESOLVE_SHARED_QUEUE, 0, 0, jobs.ptr(), jobs.len(), MEMORY_END)
                    .call(PROXY_ENQUEUE_SHARED_QUEUE, id, MEMORY_END - 1, 2)
                    .call(PROXY_DEQUEUE_SHARED_QUEUE, id, MEMORY_END, slot(0) + 4)
                    .call(PROXY_DEQUEUE_SHARED_QUEUE, id, slot(0), MEMORY_END - 3)
                    .call(PROXY_DEQUEUE_SHARED_QUEUE, id, RET_PTR, RET_SIZE);
            try (Probe probe = Probe.start(engine, program, services, config -> config)) {
                probe.fillScratch();
                request(probe);

                assertThat(probe.statuses()).containsExactly(INVALID_MEMORY_ACCESS, INVALID_MEMORY_ACCESS,
                        INVALID_MEMORY_ACCESS, INVALID_MEMORY_ACCESS, INVALID_MEMORY_ACCESS, INVALID_MEMORY_ACCESS,
                        INVALID_MEMORY_ACCESS, INVALID_MEMORY_ACCESS, OK);
                assertThat(probe.returned()).as("a dequeue with a bad slot loses nothing").asString().isEqualTo("kept");
                assertThat(services.sharedQueues().resolve(VM_ID, "never")).as("nor creates a queue").isEmpty();
                assertThat(services.sharedQueues().dequeue(id).result()).as("nor enqueues").isEqualTo(EMPTY);
                assertThat(probe.vm().failed()).isFalse();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aClosedReceiverIsNotCalledAndItsItemsWait(Engine engine) {
        try (HostServices services = HostServices.create()) {
            int id = services.sharedQueues().register(VM_ID, "jobs", NOBODY);
            ProbeProgram program = new ProbeProgram();
            Data name = program.blob("jobs");
            program.on(Callback.ON_CONFIGURE).call(PROXY_REGISTER_SHARED_QUEUE, name.ptr(), name.len(), slot(0));
            program.on(Callback.ON_QUEUE_READY).recordsArgs();
            Probe probe = Probe.start(engine, program, services, config -> config);
            assertThat(probe.statuses()).containsExactly(OK);
            probe.close();

            assertThat(services.sharedQueues().enqueue(id, "later".getBytes(StandardCharsets.UTF_8))).isEqualTo(OK);
            Poll.pause(50);

            assertThat(probe.results()).isEmpty();
            SharedQueueRegistry.Dequeued dequeued = services.sharedQueues().dequeue(id);
            assertThat(dequeued.result()).isEqualTo(OK);
            assertThat(dequeued.item()).asString().isEqualTo("later");
            assertThat(probe.vm().failed()).isFalse();
        }
    }
}
