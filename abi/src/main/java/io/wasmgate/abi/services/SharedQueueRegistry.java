package io.wasmgate.abi.services;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.wasmgate.abi.wire.WasmResult;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shared queues: named per vm_id, with process-unique non-zero ids. The root context that
 * registered a queue last receives {@code proxy_on_queue_ready}; notifications are handed to an executor
 * so an enqueue never waits for another VM's lock.
 *
 * <p>Each queue holds at most {@link #maxBytes()} (its items' bytes plus {@value #ITEM_COST} per item for the
 * JVM's share): producers on every request outrunning a slow consumer must not take the host's memory. A
 * full queue drops its oldest items to make room, counts them in {@code wasmgate.shared_queue.dropped}
 * ({@code vm_id}, {@code queue}) and says so in a warning (at most one a minute per queue); the enqueue
 * still answers {@code OK}, since the ABI has no status for it and SDKs stop the plugin on one they do not
 * expect. A receiver gets at most one pending notification per queued item.
 */
public final class SharedQueueRegistry {
    /** The default of {@link #maxBytes()}: 64 MiB per queue. */
    public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;
    /** What an item costs the limit beside its bytes: its array, the queue's node and a pending notification. */
    static final int ITEM_COST = 128;

    private static final Logger LOG = LoggerFactory.getLogger(SharedQueueRegistry.class);
    private static final long WARNING_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    /** Delivers {@code proxy_on_queue_ready} to the registering root context under its VM's lock. */
    @FunctionalInterface
    public interface Receiver {
        void onQueueReady(int queueId);
    }

    private record Key(String vmId, String name) {}

    private final class SharedQueue {
        final Key key;
        final Queue<byte[]> items = new ConcurrentLinkedQueue<>();
        final AtomicInteger count = new AtomicInteger();
        final AtomicLong bytes = new AtomicLong();
        final AtomicInteger pendingNotifications = new AtomicInteger();
        volatile Receiver receiver;
        private Counter dropped;
        private long droppedSinceWarning;
        /** A minute before the queue existed, so that its first drop is said at once. */
        private long lastWarning = System.nanoTime() - WARNING_INTERVAL_NANOS;

        SharedQueue(Key key) {
            this.key = key;
        }

        void add(byte[] item) {
            items.add(item);
            count.incrementAndGet();
            bytes.addAndGet(cost(item));
        }

        byte[] poll() {
            byte[] item = items.poll();
            if (item != null) {
                count.decrementAndGet();
                bytes.addAndGet(-cost(item));
            }
            return item;
        }

        void makeRoom() {
            int drops = 0;
            while (bytes.get() > maxBytes && poll() != null) {
                drops++;
            }
            if (drops > 0) {
                dropped(drops);
            }
        }

        synchronized void dropped(int drops) {
            if (dropped == null) {
                dropped = Counter.builder("wasmgate.shared_queue.dropped").tag("vm_id", key.vmId())
                        .tag("queue", key.name()).description("Items a full shared queue dropped, oldest first")
                        .register(meters);
            }
            dropped.increment(drops);
            droppedSinceWarning += drops;
            long now = System.nanoTime();
            if (now - lastWarning >= WARNING_INTERVAL_NANOS) {
                LOG.warn("shared queue '{}' of vm_id '{}' is full ({} bytes): dropped its {} oldest item(s); "
                        + "its consumer is slower than its producers", key.name(), key.vmId(), maxBytes,
                        droppedSinceWarning);
                droppedSinceWarning = 0;
                lastWarning = now;
            }
        }
    }

    private final Map<Key, Integer> ids = new ConcurrentHashMap<>();
    private final Map<Integer, SharedQueue> queues = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger();
    private final Executor notifier;
    private final MeterRegistry meters;
    private volatile long maxBytes;

    /** Queues of at most {@code maxBytes} each, dropped items counted in {@code meters}. */
    public SharedQueueRegistry(Executor notifier, MeterRegistry meters, long maxBytes) {
        this.notifier = notifier;
        this.meters = meters;
        maxBytes(maxBytes);
    }

    /** The most a queue holds: its items' bytes plus {@value #ITEM_COST} per item. */
    public long maxBytes() {
        return maxBytes;
    }

    /** Sets {@link #maxBytes()} for every queue (a reload may change it); a queue over it drops at its next enqueue. */
    public void maxBytes(long maxBytes) {
        this.maxBytes = checkedMaxBytes(maxBytes);
    }

    /**
     * {@code maxBytes} if a queue can hold an item with it.
     *
     * @throws IllegalArgumentException if it is below {@value #ITEM_COST}
     */
    public static long checkedMaxBytes(long maxBytes) {
        if (maxBytes < ITEM_COST) {
            throw new IllegalArgumentException("a shared queue needs at least " + ITEM_COST + " bytes, got " + maxBytes);
        }
        return maxBytes;
    }

    private static long cost(byte[] item) {
        return (long) item.length + ITEM_COST;
    }

    /** Creates or opens {@code vmId}/{@code name}; {@code receiver} gets its notifications from now on. Items already queued are kept. */
    public int register(String vmId, String name, Receiver receiver) {
        int id = ids.computeIfAbsent(new Key(vmId, name), key -> {
            int queueId = nextId.incrementAndGet();
            queues.put(queueId, new SharedQueue(key));
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

    /**
     * Appends {@code item}, which the queue keeps (the hostcall hands over its own copy of guest memory; the
     * caller must not change it), dropping the oldest items if the queue would hold more than
     * {@link #maxBytes()}, and notifies the receiver asynchronously; {@code NOT_FOUND} for an unknown id.
     */
    public WasmResult enqueue(int queueId, byte[] item) {
        SharedQueue queue = queues.get(queueId);
        if (queue == null) {
            return WasmResult.NOT_FOUND;
        }
        if (cost(item) > maxBytes) {
            queue.dropped(1);
            return WasmResult.OK;
        }
        queue.add(item);
        queue.makeRoom();
        Receiver receiver = queue.receiver;
        // One pending notification per queued item at most: a consumer slower than its producers must not
        // pile up notifications beyond the items the limit keeps.
        if (receiver != null && queue.pendingNotifications.get() < queue.count.get()) {
            queue.pendingNotifications.incrementAndGet();
            notifier.execute(() -> {
                queue.pendingNotifications.decrementAndGet();
                receiver.onQueueReady(queueId);
            });
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
        byte[] item = queue.poll();
        return item == null ? new Dequeued(WasmResult.EMPTY, new byte[0]) : new Dequeued(WasmResult.OK, item);
    }
}
