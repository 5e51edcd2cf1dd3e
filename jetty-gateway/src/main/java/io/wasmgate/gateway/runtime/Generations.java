package io.wasmgate.gateway.runtime;

import io.wasmgate.gateway.proxy.RouteTable;
import java.util.Optional;
import java.util.function.Supplier;

/** The current {@link Generation}, swapped atomically on reload; leases it to requests. */
public final class Generations implements Supplier<RouteTable> {
    private volatile Generation current;

    /** The current generation, leased (release it when the request ends); {@code null} before the first. */
    @Override
    public RouteTable get() {
        while (true) {
            Generation generation = current;
            if (generation == null || generation.acquire()) {
                return generation;
            }
        }
    }

    /** The generation serving now, if any, not leased: for reports. */
    public Optional<Generation> current() {
        return Optional.ofNullable(current);
    }

    /** Makes {@code next} current; the one before ends after its requests in flight. */
    void swap(Generation next) {
        Generation previous = current;
        current = next;
        if (previous != null) {
            previous.retire();
        }
    }
}
