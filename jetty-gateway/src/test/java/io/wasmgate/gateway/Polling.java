package io.wasmgate.gateway;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Waits, bounded, for something that happens on another thread. */
final class Polling {
    private Polling() {}

    static void until(Callable<Boolean> condition) throws Exception {
        until(Duration.ofSeconds(10), condition);
    }

    static void until(Duration timeout, Callable<Boolean> condition) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not so within " + timeout);
            }
            Thread.sleep(20);
        }
    }
}
