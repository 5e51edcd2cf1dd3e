package io.wasmgate.gateway.runtime;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resources that successive generations share while their key stays the same (an unchanged plugin keeps its
 * VMs across a reload, an unchanged cluster its connections): each user acquires and releases; the last
 * release closes the resource.
 */
final class SharedResources<K, V extends AutoCloseable> {
    private static final Logger LOG = LoggerFactory.getLogger(SharedResources.class);

    private static final class Held<V> {
        final V value;
        int users;

        Held(V value) {
            this.value = value;
        }
    }

    private final Map<K, Held<V>> held = new HashMap<>();

    /**
     * The resource for {@code key}: the one held already, or a new one from {@code start} (which may throw).
     * Starting runs outside the lock, so releases on request threads never wait for a slow start; callers
     * do not start the same key concurrently (reloads run one at a time).
     */
    V acquire(K key, Supplier<V> start) {
        synchronized (this) {
            Held<V> entry = held.get(key);
            if (entry != null) {
                entry.users++;
                return entry.value;
            }
        }
        V value = start.get();
        synchronized (this) {
            Held<V> entry = new Held<>(value);
            entry.users = 1;
            held.put(key, entry);
        }
        return value;
    }

    /** One user of {@code key} is done; the last one closes it. */
    synchronized void release(K key) {
        Held<V> entry = held.get(key);
        if (entry != null && --entry.users == 0) {
            held.remove(key);
            try {
                entry.value.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed", entry.value, e);
            }
        }
    }
}
