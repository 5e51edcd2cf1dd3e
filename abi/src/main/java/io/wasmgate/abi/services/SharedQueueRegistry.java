package io.wasmgate.abi.services;

import io.wasmgate.abi.wire.WasmResult;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Shared queues: named per vm_id, with process-unique non-zero ids. The root context that
 * registered a queue last receives {@code proxy_on_queue_ready}; notifications are handed to an executor
 * so an enqueue never waits for another VM's lock.
 */
public final class SharedQueueRegistry {
    /** Delivers {@code proxy_on_queue_ready} to the registering root context under its VM's lock. */
    @FunctionalInterface
    public interface Receiver {
        void onQueueReady(int queueId);
    }

    private record Key(String vmId, String name) {}

    private static final class SharedQueue {
        final Queue<byte[]> items = new ConcurrentLinkedQueue<>();
        volatile Receiver receiver;
    }

    private final Map<Key, Integer> ids = new ConcurrentHashMap<>();
    private final Map<Integer, SharedQueue> queues = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger();
    private final Executor notifier;

    public SharedQueueRegistry(Executor notifier) {
        this.notifier = notifier;
    }

    /** Creates or opens {@code vmId}/{@code name}; {@code receiver} gets its notifications from now on. Items already queued are kept. */
    public int register(String vmId, String name, Receiver receiver) {
        int id = ids.computeIfAbsent(new Key(vmId, name), key -> {
            int queueId = nextId.incrementAndGet();
            queues.put(queueId, new SharedQueue());
            return queueId;
        });
        queues.get(id).receiver = receiver;
        return id;
    }

    /** The id of an existing queue. */
    public OptionalInt resolve(String vmId, String name) {
        Integer id = ids.get(new Key(vmId, name));
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** Appends {@code item} and notifies the receiver asynchronously; {@code NOT_FOUND} for an unknown id. */
    public WasmResult enqueue(int queueId, byte[] item) {
        SharedQueue queue = queues.get(queueId);
        if (queue == null) {
            return WasmResult.NOT_FOUND;
        }
        queue.items.add(item.clone());
        Receiver receiver = queue.receiver;
        if (receiver != null) {
            notifier.execute(() -> receiver.onQueueReady(queueId));
        }
        return WasmResult.OK;
    }

    /** The outcome of a dequeue: {@code OK} with the item, {@code EMPTY}, or {@code NOT_FOUND}. */
    public record Dequeued(WasmResult result, byte[] item) {}

    /** Pops the front item of {@code queueId}. */
    public Dequeued dequeue(int queueId) {
        SharedQueue queue = queues.get(queueId);
        if (queue == null) {
            return new Dequeued(WasmResult.NOT_FOUND, new byte[0]);
        }
        byte[] item = queue.items.poll();
        return item == null ? new Dequeued(WasmResult.EMPTY, new byte[0]) : new Dequeued(WasmResult.OK, item);
    }
}
