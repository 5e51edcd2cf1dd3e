package io.wasmgate.abi.plugin;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Envoy's {@code fail_reload} pacing: a failed instance may be replaced only when at least
 * {@code base + random(0, base/2)} has passed since the last replacement, so a plugin that traps on every
 * request cannot turn into a reload loop.
 */
final class ReloadBackoff {
    private final long baseNanos;
    private long lastReload;
    private long interval;

    /** The instance's first load counts as a load, as in Envoy: the first reload waits a full interval too. */
    ReloadBackoff(Duration base) {
        this.baseNanos = base.toNanos();
        this.lastReload = System.nanoTime();
        this.interval = nextInterval();
    }

    /** {@code true}, and the clock restarts, if a reload may happen now. Callers synchronise. */
    boolean tryAcquire() {
        long now = System.nanoTime();
        if (now - lastReload < interval) {
            return false;
        }
        lastReload = now;
        interval = nextInterval();
        return true;
    }

    private long nextInterval() {
        return baseNanos + ThreadLocalRandom.current().nextLong(Math.max(1, baseNanos / 2));
    }
}
