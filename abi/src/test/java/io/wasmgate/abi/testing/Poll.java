package io.wasmgate.abi.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded waiting for something a host thread does (ticks, queue notifications): never a sleep-as-assertion. */
public final class Poll {
    /** How long {@link #until(String, BooleanSupplier)} waits before failing. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    private Poll() {}

    /** Returns as soon as {@code condition} holds; fails naming {@code what} after {@link #TIMEOUT}. */
    public static void until(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + TIMEOUT.toSeconds() + " s waiting for " + what);
            }
            pause(2);
        }
    }

    /** Sleeps {@code millis}; for measuring a window in which something must <em>not</em> happen. */
    public static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
