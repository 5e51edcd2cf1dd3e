package io.wasmgate.abi.services;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * The host's own meters, per plugin: live VM instances and their linear memory, streams started, callback
 * latency (a timer per callback), traps, VM reloads and what the failure policy did. Names start with {@code wasmgate.}; every
 * meter carries the tag {@code plugin}.
 *
 * <p>Streams and callbacks, counted on every request, are counted by each VM instance in its own
 * {@link InstanceCounts} and summed when read (see {@code PluginCounts}); the rarer events count into
 * ordinary counters.
 */
public final class HostMetrics {
    /** What the failure policy did with a stream. */
    public enum Outcome {
        FAIL_CLOSED,
        FAIL_OPEN,
        RELOAD_BACKOFF
    }

    private final MeterRegistry registry;
    private final String plugin;
    private final AtomicInteger activeVms = new AtomicInteger();
    private final AtomicReference<LongSupplier> guestMemory = new AtomicReference<>(() -> 0);
    private final PluginCounts counts;
    private final Counter traps;
    private final Counter reloadSuccess;
    private final Counter reloadFailure;
    private final Map<Outcome, Counter> outcomes = new ConcurrentHashMap<>();

    public HostMetrics(MeterRegistry registry, String plugin) {
        this.registry = registry;
        this.plugin = plugin;
        // A plugin started again under its name (a reload) reports its own instances, not its predecessor's.
        for (String gauge : new String[] {"wasmgate.vm.active", "wasmgate.vm.memory"}) {
            Gauge previous = registry.find(gauge).tag("plugin", plugin).gauge();
            if (previous != null) {
                registry.remove(previous);
            }
        }
        Gauge.builder("wasmgate.vm.active", activeVms, AtomicInteger::get).tag("plugin", plugin)
                .description("VM instances running the plugin").register(registry);
        Gauge.builder("wasmgate.vm.memory", guestMemory, memory -> memory.get().getAsLong()).tag("plugin", plugin)
                .baseUnit(BaseUnits.BYTES).description("Linear memory of the VM instances running the plugin")
                .register(registry);
        this.counts = PluginCounts.of(registry, plugin);
        this.traps = Counter.builder("wasmgate.traps").tag("plugin", plugin).register(registry);
        this.reloadSuccess = Counter.builder("wasmgate.vm.reloads").tag("plugin", plugin).tag("result", "success").register(registry);
        this.reloadFailure = Counter.builder("wasmgate.vm.reloads").tag("plugin", plugin).tag("result", "failure").register(registry);
    }

    public void vmStarted() {
        activeVms.incrementAndGet();
    }

    public void vmStopped() {
        activeVms.decrementAndGet();
    }

    /** Where the gauge {@code wasmgate.vm.memory} reads the plugin's memory from (until then: 0). */
    public void guestMemory(LongSupplier bytes) {
        guestMemory.set(bytes);
    }

    public void trapped() {
        traps.increment();
    }

    public void reloaded(boolean success) {
        (success ? reloadSuccess : reloadFailure).increment();
    }

    public void failurePolicyApplied(Outcome outcome) {
        outcomes.computeIfAbsent(outcome, o -> Counter.builder("wasmgate.failure_policy")
                .tag("plugin", plugin).tag("outcome", o.name().toLowerCase(java.util.Locale.ROOT)).register(registry))
                .increment();
    }

    /**
     * The streams and callback counts of a new VM instance, in the plugin's meters until
     * {@link InstanceCounts#retire retired}.
     */
    public InstanceCounts newInstance() {
        return counts.newInstance();
    }

    /** Number of VM instances currently running. */
    public int activeVms() {
        return activeVms.get();
    }
}
