package io.wasmgate.abi.services;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wasmgate.abi.testing.CapturedStderr;
import io.wasmgate.abi.wire.WasmResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SharedQueueRegistryTest {
    private final List<Runnable> posted = new ArrayList<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final SharedQueueRegistry queues = new SharedQueueRegistry(posted::add, meters,
            SharedQueueRegistry.DEFAULT_MAX_BYTES);

    @Test
    void registeringTwiceKeepsTheIdAndTheItemsAndRetargetsNotifications() {
        List<String> heard = new ArrayList<>();
        int id = queues.register("vm", "jobs", queueId -> heard.add("first:" + queueId));
        queues.enqueue(id, "a".getBytes());

        assertThat(queues.register("vm", "jobs", queueId -> heard.add("second:" + queueId))).isEqualTo(id);
        queues.enqueue(id, "b".getBytes());
        posted.forEach(Runnable::run);

        assertThat(heard).containsExactly("first:" + id, "second:" + id);
        assertThat(queues.dequeue(id).item()).asString().isEqualTo("a");
        assertThat(queues.dequeue(id).item()).asString().isEqualTo("b");
    }

    @Test
    void idsAreNonZeroAndDistinctPerVmIdAndName() {
        int a = queues.register("vm", "q", id -> {});
        int b = queues.register("other", "q", id -> {});
        assertThat(a).isNotZero();
        assertThat(b).isNotZero().isNotEqualTo(a);
    }

    @Test
    void resolveFindsOnlyRegisteredQueues() {
        int id = queues.register("vm", "q", queueId -> {});
        assertThat(queues.resolve("vm", "q")).hasValue(id);
        assertThat(queues.resolve("vm", "nope")).isEmpty();
    }

    @Test
    void notificationsAreHandedToTheExecutorNotRunInline() {
        List<Integer> heard = new ArrayList<>();
        int id = queues.register("vm", "q", heard::add);
        queues.enqueue(id, new byte[0]);
        assertThat(heard).isEmpty();
        posted.forEach(Runnable::run);
        assertThat(heard).containsExactly(id);
    }

    @Test
    void dequeueDistinguishesEmptyFromUnknown() {
        int id = queues.register("vm", "q", queueId -> {});
        assertThat(queues.dequeue(id).result()).isEqualTo(WasmResult.EMPTY);
        assertThat(queues.dequeue(id + 100).result()).isEqualTo(WasmResult.NOT_FOUND);
        assertThat(queues.enqueue(id + 100, new byte[0])).isEqualTo(WasmResult.NOT_FOUND);
    }

    /** Three items of 100 bytes fit a queue of 700 bytes (each costs 100 + 128); a fourth drops the oldest. */
    @Test
    void aFullQueueDropsItsOldestItemsCountsThemAndWarnsOnce() {
        queues.maxBytes(700);
        int id = queues.register("vm", "logs", queueId -> {});
        String warnings;
        try (CapturedStderr stderr = CapturedStderr.start()) {
            for (int i = 1; i <= 5; i++) {
                assertThat(queues.enqueue(id, item(i, 100))).isEqualTo(WasmResult.OK);
            }
            warnings = stderr.text();
        }

        assertThat(queues.dequeue(id).item()[0]).isEqualTo((byte) 3);
        assertThat(queues.dequeue(id).item()[0]).isEqualTo((byte) 4);
        assertThat(queues.dequeue(id).item()[0]).isEqualTo((byte) 5);
        assertThat(queues.dequeue(id).result()).isEqualTo(WasmResult.EMPTY);
        assertThat(meters.get("wasmgate.shared_queue.dropped").tag("vm_id", "vm").tag("queue", "logs").counter().count())
                .isEqualTo(2);
        assertThat(warnings.lines().filter(line -> line.contains("shared queue 'logs' of vm_id 'vm' is full")))
                .hasSize(1);
    }

    @Test
    void anItemLargerThanTheWholeQueueIsDroppedAndTheQueueKept() {
        queues.maxBytes(700);
        int id = queues.register("vm", "logs", queueId -> {});
        queues.enqueue(id, item(1, 100));

        assertThat(queues.enqueue(id, item(2, 1000))).isEqualTo(WasmResult.OK);

        assertThat(queues.dequeue(id).item()[0]).isEqualTo((byte) 1);
        assertThat(queues.dequeue(id).result()).isEqualTo(WasmResult.EMPTY);
        assertThat(meters.get("wasmgate.shared_queue.dropped").counter().count()).isEqualTo(1);
    }

    @Test
    void aSlowReceiverHasNoMoreNotificationsPendingThanItemsQueued() {
        queues.maxBytes(700);
        List<Integer> heard = new ArrayList<>();
        int id = queues.register("vm", "logs", heard::add);

        for (int i = 0; i < 1000; i++) {
            queues.enqueue(id, item(i, 100));
        }

        assertThat(posted).hasSize(3);
        posted.forEach(Runnable::run);
        assertThat(heard).hasSize(3);
    }

    @Test
    void everyItemHasANotificationAfterItWhenTheReceiverDrainsTheQueue() {
        List<Integer> heard = new ArrayList<>();
        int id = queues.register("vm", "jobs", queueId -> {
            heard.add(queueId);
            while (queues.dequeue(queueId).result() == WasmResult.OK) {
                // draining, as a consumer that takes everything on each notification
            }
        });
        queues.enqueue(id, item(1, 10));
        queues.enqueue(id, item(2, 10));
        posted.remove(0).run();

        queues.enqueue(id, item(3, 10));
        List<Runnable> pending = new ArrayList<>(posted);
        posted.clear();
        pending.forEach(Runnable::run);

        assertThat(heard).hasSize(2);
        assertThat(queues.dequeue(id).result()).as("item 3 was taken by a notification after it").isEqualTo(WasmResult.EMPTY);
    }

    private static byte[] item(int first, int length) {
        byte[] item = new byte[length];
        item[0] = (byte) first;
        return item;
    }
}
