package io.wasmgate.abi.testing;

import java.time.Duration;
import java.util.Optional;

/**
 * Bounded waiting for something another thread does (ticks, queue notifications, a request reaching an upstream,
 * an access-log line): never a sleep-as-assertion. The one place the test suites of every module poll.
 */
public final class Poll {
    /** How long {@link #until(String, Condition)} waits before failing. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** Something to wait for; it may throw (an HTTP request, a scrape), which fails the wait at once. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    /** Something to wait for that yields a value once it is there. */
    @FunctionalInterface
    public interface Lookup<T> {
        Optional<T> find() throws Exception;
    }

    private Poll() {}

    /** Returns as soon as {@code condition} holds; fails naming {@code what} after {@link #TIMEOUT}. */
    public static void until(String what, Condition condition) {
        until(what, TIMEOUT, condition);
    }

    /** Returns as soon as {@code condition} holds; fails naming {@code what} after {@code timeout}. */
    public static void until(String what, Duration timeout, Condition condition) {
        untilPresent(what, timeout, () -> condition.holds() ? Optional.of(Boolean.TRUE) : Optional.empty());
    }

    /** The value {@code lookup} finds, as soon as it finds one; fails naming {@code what} after {@code timeout}. */
    public static <T> T untilPresent(String what, Duration timeout, Lookup<T> lookup) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long interval = 2;
        while (true) {
            Optional<T> found;
            try {
                found = lookup.find();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            } catch (Exception e) {
                throw new AssertionError("failed waiting for " + what + ": " + e, e);
            }
            if (found.isPresent()) {
                return found.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            // Quick at first (host ticks), then every 20 ms at most for the costlier checks (HTTP, scrapes).
            pause(interval);
            interval = Math.min(interval * 2, 20);
        }
    }

    /**
     * Sleeps {@code millis}. Only for a sleep that is part of the scenario (a slow client, a window in which
     * something must <em>not</em> happen), never to wait for something observable: use {@link #until} for that.
     */
    public static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
