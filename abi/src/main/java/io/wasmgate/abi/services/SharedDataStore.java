package io.wasmgate.abi.services;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wasmgate.abi.wire.WasmResult;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The process-wide key/value store behind {@code proxy_get_shared_data} / {@code proxy_set_shared_data}:
 * namespaced by vm_id, shared by every VM instance and every plugin with that vm_id,
 * with compare-and-swap tokens from one global counter.
 *
 * <p>The ABI cannot delete an entry, so a plugin keying entries by something clients choose (an address, a
 * header) grows its namespace for as long as new clients come. Each namespace reports its size as gauges,
 * {@code wasmgate.shared_data.entries} and {@code wasmgate.shared_data.size} (its keys' characters and its
 * values' bytes), tagged {@code vm_id}, for an operator to alert on.
 */
public final class SharedDataStore {
    /** A stored value and the CAS token of the write that stored it. */
    public record Entry(byte[] value, int cas) {}

    private static final class Namespace {
        final Map<String, Entry> entries = new ConcurrentHashMap<>();
        final AtomicLong bytes = new AtomicLong();
    }

    private final Map<String, Namespace> byVmId = new ConcurrentHashMap<>();
    private final AtomicInteger casCounter = new AtomicInteger();
    private final MeterRegistry meters;

    /** An empty store whose gauges nobody reads. */
    public SharedDataStore() {
        this(new SimpleMeterRegistry());
    }

    /** An empty store reporting each namespace's size in {@code meters}. */
    public SharedDataStore(MeterRegistry meters) {
        this.meters = meters;
    }

    /** The entry for {@code key} in {@code vmId}'s namespace. */
    public Optional<Entry> get(String vmId, String key) {
        Namespace namespace = byVmId.get(vmId);
        return namespace == null ? Optional.empty() : Optional.ofNullable(namespace.entries.get(key));
    }

    /**
     * Stores {@code value}, which the store keeps (the hostcall hands over its own copy of guest memory; the
     * caller must not change it). {@code cas == 0} writes unconditionally; otherwise the write succeeds only if
     * the stored token equals {@code cas} ({@code CAS_MISMATCH} if not). As in cpp-host, a non-zero token
     * on a missing key succeeds. Every successful write gets a fresh token.
     */
    public WasmResult set(String vmId, String key, byte[] value, int cas) {
        Namespace namespace = byVmId.computeIfAbsent(vmId, this::namespace);
        boolean[] written = new boolean[1];
        namespace.entries.compute(key, (k, current) -> {
            if (cas != 0 && current != null && current.cas() != cas) {
                return current;
            }
            written[0] = true;
            namespace.bytes.addAndGet(current == null ? (long) k.length() + value.length
                    : (long) value.length - current.value().length);
            return new Entry(value, nextCas());
        });
        return written[0] ? WasmResult.OK : WasmResult.CAS_MISMATCH;
    }

    private Namespace namespace(String vmId) {
        Namespace namespace = new Namespace();
        Gauge.builder("wasmgate.shared_data.entries", namespace, n -> n.entries.size()).tag("vm_id", vmId)
                .description("Shared-data entries of the vm_id (the ABI cannot delete one)").register(meters);
        Gauge.builder("wasmgate.shared_data.size", namespace, n -> n.bytes.get()).tag("vm_id", vmId).baseUnit("bytes")
                .description("The vm_id's shared-data keys' characters and values' bytes").register(meters);
        return namespace;
    }

    private int nextCas() {
        int cas;
        do {
            cas = casCounter.incrementAndGet();
        } while (cas == 0);
        return cas;
    }
}
