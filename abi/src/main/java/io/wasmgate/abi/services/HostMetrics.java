package io.wasmgate.abi.services;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.wasmgate.abi.vm.Callback;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The host's own meters, per plugin: live VM instances, streams started, callback latency (a timer per
 * callback), traps, VM reloads and what the failure policy did. Names start with {@code wasmgate.}; every
 * meter carries the tag {@code plugin}.
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
    private final Counter streams;
    private final Counter traps;
    private final Counter reloadSuccess;
    private final Counter reloadFailure;
    private final AtomicReferenceArray<Timer> callbackTimers = new AtomicReferenceArray<>(Callback.values().length);
    private final Map<Outcome, Counter> outcomes = new ConcurrentHashMap<>();

    public HostMetrics(MeterRegistry registry, String plugin) {
        this.registry = registry;
        this.plugin = plugin;
        // A plugin started again under its name (a reload) reports its own instances, not its predecessor's.
        Gauge previous = registry.find("wasmgate.vm.active").tag("plugin", plugin).gauge();
        if (previous != null) {
            registry.remove(previous);
        }
        Gauge.builder("wasmgate.vm.active", activeVms, AtomicInteger::get).tag("plugin", plugin)
                .description("VM instances running the plugin").register(registry);
        this.streams = Counter.builder("wasmgate.streams").tag("plugin", plugin).register(registry);
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

    public void streamStarted() {
        streams.increment();
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

    /** Records one guest callback's duration; the timer is found by the callback's ordinal, not by name. */
    public void callback(Callback callback, long nanos) {
        Timer timer = callbackTimers.get(callback.ordinal());
        if (timer == null) {
            timer = Timer.builder("wasmgate.callback.duration").tag("plugin", plugin).tag("callback", callback.exportName())
                    .register(registry);
            callbackTimers.set(callback.ordinal(), timer);
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Number of VM instances currently running. */
    public int activeVms() {
        return activeVms.get();
    }
}
