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
        restart();
    }

    /** How long a reload must still wait, 0 if it may happen now. Callers synchronise. */
    long remainingNanos() {
        return Math.max(0, lastReload + interval - System.nanoTime());
    }

    /** A reload (or an attempt at one) has just finished: the next waits a fresh randomised interval. Callers synchronise. */
    void restart() {
        lastReload = System.nanoTime();
        interval = baseNanos + ThreadLocalRandom.current().nextLong(Math.max(1, baseNanos / 2));
    }
}
