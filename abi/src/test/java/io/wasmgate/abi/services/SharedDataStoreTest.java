package io.wasmgate.abi.services;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wasmgate.abi.wire.WasmResult;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SharedDataStoreTest {
    private final SharedDataStore store = new SharedDataStore();

    @Test
    void missingKeyIsAbsent() {
        assertThat(store.get("vm", "k")).isEmpty();
    }

    @Test
    void unconditionalWriteStoresTheValueWithAFreshCas() {
        assertThat(store.set("vm", "k", "v1".getBytes(), 0)).isEqualTo(WasmResult.OK);
        int first = store.get("vm", "k").orElseThrow().cas();
        assertThat(store.set("vm", "k", "v2".getBytes(), 0)).isEqualTo(WasmResult.OK);

        SharedDataStore.Entry entry = store.get("vm", "k").orElseThrow();
        assertThat(entry.value()).asString().isEqualTo("v2");
        assertThat(entry.cas()).isNotZero().isNotEqualTo(first);
    }

    @Test
    void staleCasIsRejectedAndKeepsTheValue() {
        store.set("vm", "k", "v1".getBytes(), 0);
        int cas = store.get("vm", "k").orElseThrow().cas();
        assertThat(store.set("vm", "k", "v2".getBytes(), cas)).isEqualTo(WasmResult.OK);

        assertThat(store.set("vm", "k", "v3".getBytes(), cas)).isEqualTo(WasmResult.CAS_MISMATCH);
        assertThat(store.get("vm", "k").orElseThrow().value()).asString().isEqualTo("v2");
    }

    @Test
    void nonZeroCasOnAMissingKeySucceedsAsInCppHost() {
        assertThat(store.set("vm", "new", "v".getBytes(), 12345)).isEqualTo(WasmResult.OK);
    }

    @Test
    void vmIdsAreSeparateNamespaces() {
        store.set("a", "k", "in-a".getBytes(), 0);
        assertThat(store.get("b", "k")).isEmpty();
        assertThat(store.get("a", "k").orElseThrow().value()).asString().isEqualTo("in-a");
    }

    @Test
    void concurrentCasIncrementsLoseNothing() throws InterruptedException {
        store.set("vm", "counter", "0".getBytes(), 0);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            threads.execute(() -> {
                for (int i = 0; i < 1000; i++) {
                    while (true) {
                        SharedDataStore.Entry entry = store.get("vm", "counter").orElseThrow();
                        int next = Integer.parseInt(new String(entry.value())) + 1;
                        if (store.set("vm", "counter", Integer.toString(next).getBytes(), entry.cas()) == WasmResult.OK) {
                            break;
                        }
                    }
                }
            });
        }
        threads.shutdown();
        assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

        assertThat(store.get("vm", "counter").orElseThrow().value()).asString().isEqualTo("4000");
    }

    @Test
    void eachNamespaceReportsItsEntriesAndSizeAsGauges() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        SharedDataStore measured = new SharedDataStore(meters);

        measured.set("limits", "ip:10.0.0.1", "9:1700000000000".getBytes(), 0);
        measured.set("limits", "ip:10.0.0.2", "9:1700000000000".getBytes(), 0);
        measured.set("limits", "ip:10.0.0.1", "8:1700000000001".getBytes(), 0);
        int staleCas = measured.get("limits", "ip:10.0.0.2").orElseThrow().cas() + 1000;
        assertThat(measured.set("limits", "ip:10.0.0.2", "stale".getBytes(), staleCas)).isEqualTo(WasmResult.CAS_MISMATCH);
        measured.set("other", "k", "v".getBytes(), 0);

        assertThat(meters.get("wasmgate.shared_data.entries").tag("vm_id", "limits").gauge().value()).isEqualTo(2);
        assertThat(meters.get("wasmgate.shared_data.size").tag("vm_id", "limits").gauge().value())
                .as("two keys of 11 characters and two values of 15 bytes; a refused write changes nothing")
                .isEqualTo(2 * (11 + 15));
        assertThat(meters.get("wasmgate.shared_data.entries").tag("vm_id", "other").gauge().value()).isEqualTo(1);
        assertThat(meters.get("wasmgate.shared_data.size").tag("vm_id", "other").gauge().value()).isEqualTo(2);
    }
}
