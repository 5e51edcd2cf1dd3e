package io.wasmgate.abi.services;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Enforces per-callback execution deadlines. A VM marks the start and end of each outermost call on its
 * {@link Guard}; one scan every few milliseconds interrupts a thread whose call is overdue, and Chicory
 * then raises {@code ChicoryInterruptedException} at the next call or backward branch, which the host
 * treats as a trap. The per-call cost is two uncontended monitor enters, not a scheduled task.
 */
public final class CallWatchdog implements AutoCloseable {
    private static final long SCAN_PERIOD_MILLIS = 5;

    private final Set<Guard> guards = ConcurrentHashMap.newKeySet();
    private final ScheduledFuture<?> scan;

    public CallWatchdog(ScheduledExecutorService scheduler) {
        this.scan = scheduler.scheduleAtFixedRate(this::scan, SCAN_PERIOD_MILLIS, SCAN_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** A guard for one VM whose calls may run for at most {@code deadlineNanos}. */
    public Guard guard(long deadlineNanos) {
        Guard guard = new Guard(deadlineNanos);
        guards.add(guard);
        return guard;
    }

    private void scan() {
        long now = System.nanoTime();
        for (Guard guard : guards) {
            guard.interruptIfOverdue(now);
        }
    }

    @Override
    public void close() {
        scan.cancel(false);
        guards.clear();
    }

    /** The deadline state of one VM's current outermost call. */
    public final class Guard implements AutoCloseable {
        private final long deadlineNanos;
        private Thread thread;
        private long startedAt;
        private boolean fired;
        private boolean callerInterrupted;

        private Guard(long deadlineNanos) {
            this.deadlineNanos = deadlineNanos;
        }

        /**
         * Marks the start of an outermost call on the current thread. An interrupt the thread already carries
         * is set aside for the call (Chicory would stop the guest at once, as if the deadline had passed) and
         * restored by {@link #exit()}.
         */
        public synchronized void enter() {
            callerInterrupted = Thread.interrupted();
            thread = Thread.currentThread();
            startedAt = System.nanoTime();
            fired = false;
        }

        /**
         * Marks its end. An interrupt the watchdog raised for this call is cleared here, so it never
         * leaks into the container thread that ran the callback; one the thread had before is restored.
         *
         * @return {@code true} if the call overran its deadline
         */
        public synchronized boolean exit() {
            boolean overran = fired;
            if (fired) {
                Thread.interrupted();
            }
            if (callerInterrupted) {
                Thread.currentThread().interrupt();
                callerInterrupted = false;
            }
            thread = null;
            fired = false;
            return overran;
        }

        private synchronized void interruptIfOverdue(long now) {
            if (thread != null && !fired && now - startedAt > deadlineNanos) {
                fired = true;
                thread.interrupt();
            }
        }

        /** Stops watching this VM. */
        @Override
        public void close() {
            guards.remove(this);
        }
    }
}
