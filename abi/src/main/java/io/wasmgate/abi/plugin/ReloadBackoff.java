package io.wasmgate.abi.plugin;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Envoy's {@code fail_reload} pacing (reference §8.3): a failed instance may be replaced only when at least
 * {@code base + random(0, base/2)} has passed since the last replacement, so a plugin that traps on every
 * request cannot turn into a reload loop.
 */
final class ReloadBackoff {
    private final long baseNanos;
    private long lastReload = System.nanoTime() - Long.MAX_VALUE / 2;
    private long interval;

    ReloadBackoff(Duration base) {
        this.baseNanos = base.toNanos();
    }

    /** {@code true}, and the clock restarts, if a reload may happen now. Callers synchronise. */
    boolean tryAcquire() {
        long now = System.nanoTime();
        if (now - lastReload < interval) {
            return false;
        }
        lastReload = now;
        interval = baseNanos + ThreadLocalRandom.current().nextLong(Math.max(1, baseNanos / 2));
        return true;
    }
}
