package io.wasmgate.abi.services;

import io.wasmgate.abi.wire.WasmResult;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The process-wide key/value store behind {@code proxy_get_shared_data} / {@code proxy_set_shared_data}:
 * namespaced by vm_id, shared by every VM instance and every plugin with that vm_id,
 * with compare-and-swap tokens from one global counter.
 */
public final class SharedDataStore {
    /** A stored value and the CAS token of the write that stored it. */
    public record Entry(byte[] value, int cas) {}

    private final Map<String, Map<String, Entry>> byVmId = new ConcurrentHashMap<>();
    private final AtomicInteger casCounter = new AtomicInteger();

    /** An empty store. */
    public SharedDataStore() {
    }

    /** The entry for {@code key} in {@code vmId}'s namespace. */
    public Optional<Entry> get(String vmId, String key) {
        Map<String, Entry> namespace = byVmId.get(vmId);
        return namespace == null ? Optional.empty() : Optional.ofNullable(namespace.get(key));
    }

    /**
     * Stores {@code value}. {@code cas == 0} writes unconditionally; otherwise the write succeeds only if
     * the stored token equals {@code cas} ({@code CAS_MISMATCH} if not). As in cpp-host, a non-zero token
     * on a missing key succeeds. Every successful write gets a fresh token.
     */
    public WasmResult set(String vmId, String key, byte[] value, int cas) {
        Map<String, Entry> namespace = byVmId.computeIfAbsent(vmId, id -> new ConcurrentHashMap<>());
        boolean[] written = new boolean[1];
        namespace.compute(key, (k, current) -> {
            if (cas != 0 && current != null && current.cas() != cas) {
                return current;
            }
            written[0] = true;
            return new Entry(value.clone(), nextCas());
        });
        return written[0] ? WasmResult.OK : WasmResult.CAS_MISMATCH;
    }

    private int nextCas() {
        int cas;
        do {
            cas = casCounter.incrementAndGet();
        } while (cas == 0);
        return cas;
    }
}
