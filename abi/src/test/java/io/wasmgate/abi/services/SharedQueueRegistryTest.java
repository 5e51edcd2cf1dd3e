package io.wasmgate.abi.services;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.wire.WasmResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SharedQueueRegistryTest {
    private final List<Runnable> posted = new ArrayList<>();
    private final SharedQueueRegistry queues = new SharedQueueRegistry(posted::add);

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
}
