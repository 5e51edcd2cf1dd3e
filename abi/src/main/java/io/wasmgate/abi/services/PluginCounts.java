package io.wasmgate.abi.services;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.wasmgate.abi.vm.Callback;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The callback and stream counts of every VM instance of one plugin name on one meter registry, published
 * as {@code wasmgate.callback.duration} (a {@link FunctionTimer} per callback that ran) and
 * {@code wasmgate.streams} (a {@link FunctionCounter}), both tagged {@code plugin}. A meter read sums the
 * live {@link InstanceCounts} and the totals of the instances already retired, so it never goes back when
 * an instance is replaced after a trap or closed.
 *
 * <p>There is one per name and registry, shared by every plugin started under that name (a reload, a stop
 * and start): the registry keeps the first meter registered under an id and hands it back to later
 * registrations, so all generations must count into the object that meter reads. That also counts the
 * streams an old generation still serves after its successor started, and keeps the totals going up.
 */
final class PluginCounts {
    private static final Callback[] CALLBACKS = Callback.values();
    /**
     * Keyed by the registry, not by the host services, because the registry is what keeps one meter per id.
     * Weak keys: the counts go with their registry; the values do not refer to it, or it could never go.
     */
    private static final Map<MeterRegistry, Map<String, PluginCounts>> BY_REGISTRY =
            Collections.synchronizedMap(new WeakHashMap<>());

    private final WeakReference<MeterRegistry> registry;
    private final String plugin;
    private final boolean[] published = new boolean[CALLBACKS.length];
    /** Guarded by {@code this}, like the retired totals, so a read never sees an instance in both or neither. */
    private final List<InstanceCounts> live = new ArrayList<>();
    private final long[] retiredCounts = new long[CALLBACKS.length];
    private final long[] retiredNanos = new long[CALLBACKS.length];
    private long retiredStreams;

    private PluginCounts(MeterRegistry registry, String plugin) {
        this.registry = new WeakReference<>(registry);
        this.plugin = plugin;
    }

    /** The counts of plugin {@code name} on {@code registry}, created (and {@code wasmgate.streams} registered) on first use. */
    static PluginCounts of(MeterRegistry registry, String name) {
        return BY_REGISTRY.computeIfAbsent(registry, r -> new ConcurrentHashMap<>()).computeIfAbsent(name, n -> {
            PluginCounts counts = new PluginCounts(registry, n);
            FunctionCounter.builder("wasmgate.streams", counts, PluginCounts::streams).tag("plugin", n)
                    .description("Streams started on the plugin").register(registry);
            return counts;
        });
    }

    /** Counts for a new instance, summed into the meters from now on. */
    synchronized InstanceCounts newInstance() {
        InstanceCounts instance = new InstanceCounts(this);
        live.add(instance);
        return instance;
    }

    /**
     * Registers the timer of {@code callback} when the first instance calls it (once: Micrometer warns about
     * a function meter registered twice). Not under the lock, so a scrape never waits for the registry.
     */
    void publish(Callback callback) {
        synchronized (this) {
            if (published[callback.ordinal()]) {
                return;
            }
            published[callback.ordinal()] = true;
        }
        MeterRegistry meters = registry.get();
        if (meters != null) {
            FunctionTimer.builder("wasmgate.callback.duration", this, p -> p.count(callback), p -> p.nanos(callback),
                    TimeUnit.NANOSECONDS).tag("plugin", plugin).tag("callback", callback.exportName()).register(meters);
        }
    }

    /** Moves {@code instance}'s counts into the totals; its lock holder calls, so they are its latest. */
    synchronized void retire(InstanceCounts instance) {
        for (Callback callback : CALLBACKS) {
            retiredCounts[callback.ordinal()] += instance.count(callback);
            retiredNanos[callback.ordinal()] += instance.nanos(callback);
        }
        retiredStreams += instance.streams();
        live.remove(instance);
    }

    /** A call on an instance already retired. */
    synchronized void addRetired(Callback callback, long nanos) {
        retiredCounts[callback.ordinal()]++;
        retiredNanos[callback.ordinal()] += nanos;
    }

    synchronized void addRetiredStream() {
        retiredStreams++;
    }

    private synchronized long count(Callback callback) {
        long sum = retiredCounts[callback.ordinal()];
        for (InstanceCounts instance : live) {
            sum += instance.count(callback);
        }
        return sum;
    }

    private synchronized double nanos(Callback callback) {
        long sum = retiredNanos[callback.ordinal()];
        for (InstanceCounts instance : live) {
            sum += instance.nanos(callback);
        }
        return sum;
    }

    private synchronized double streams() {
        long sum = retiredStreams;
        for (InstanceCounts instance : live) {
            sum += instance.streams();
        }
        return sum;
    }
}
