package io.wasmgate.abi.services;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Enforces per-callback execution deadlines. A VM marks the start and end of each outermost call on its
 * {@link Guard}; one scan every few milliseconds interrupts a thread whose call is overdue, and Chicory
 * then raises {@code ChicoryInterruptedException} at the next call or backward branch, which the host
 * treats as a trap. The per-call cost is one release store and one compare-and-set, not a scheduled task,
 * a lock or a clock read.
 *
 * <p>The scan keeps time, not the call: it notes when it first sees a call running and interrupts it once
 * it has seen that same call run for the deadline. A call is never interrupted before its deadline and at
 * most two scan periods (10 ms) after it. Reading the clock on every call instead cost two
 * {@link System#nanoTime()} reads per callback, about 0.3 µs of a request's six callbacks on a VM.
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
        scan(System.nanoTime());
    }

    /** One scan at {@code now} ({@link System#nanoTime()} time); the scheduler runs it every few milliseconds. */
    void scan(long now) {
        for (Guard guard : guards) {
            guard.interruptIfOverdue(now);
        }
    }

    @Override
    public void close() {
        scan.cancel(false);
        guards.clear();
    }

    /**
     * The deadline state of one VM's current outermost call, without locks: IDLE, RUNNING while a call is
     * in the guest, FIRING while the scan interrupts it, FIRED once it has. {@link #exit()} waits out
     * FIRING, so an interrupt raised for a call never lands after that call ended.
     */
    public final class Guard implements AutoCloseable {
        private static final int IDLE = 0;
        private static final int RUNNING = 1;
        private static final int FIRING = 2;
        private static final int FIRED = 3;

        private final long deadlineNanos;
        private final AtomicInteger state = new AtomicInteger(IDLE);
        /**
         * The calling thread, and a count of the calls, so the scan can tell the call it saw before from a
         * newer one. Plain fields: {@link #enter()} writes them before its release store of RUNNING, and the
         * scan reads them only after reading RUNNING, so it sees the values of that call or a later one. On
         * a request's six callbacks, volatile writes here (a full fence each) were a tenth of the host path.
         * The count is an {@code int}, whose plain writes the Java memory model keeps whole (a {@code long}'s
         * may be torn); the scan only compares it for equality, and it cannot wrap between two scans.
         */
        private Thread thread;
        private int call;
        private boolean callerInterrupted;
        /**
         * The call the scan last saw running ({@code -1}: none yet; counts are compared as unsigned, so a
         * count never equals it) and when it first saw it; only the scan thread uses these.
         */
        private long seenCall = -1;
        private long seenSince;

        private Guard(long deadlineNanos) {
            this.deadlineNanos = deadlineNanos;
        }

        /**
         * Marks the start of an outermost call on the current thread. An interrupt the thread already
         * carries is set aside for the call (Chicory would stop the guest at once, as if the deadline had
         * passed) and restored by {@link #exit()}.
         */
        public void enter() {
            callerInterrupted = Thread.interrupted();
            thread = Thread.currentThread();
            call = call + 1; // only this VM's lock holder writes it
            state.setRelease(RUNNING);
        }

        /**
         * Marks its end. An interrupt the watchdog raised for this call is cleared here, so it never
         * leaks into the container thread that ran the callback; one the thread had before is restored.
         *
         * @return {@code true} if the call overran its deadline
         */
        public boolean exit() {
            boolean overran = false;
            if (!state.compareAndSet(RUNNING, IDLE)) {
                while (state.get() == FIRING) {
                    Thread.onSpinWait();
                }
                overran = state.getAndSet(IDLE) == FIRED;
                if (overran) {
                    Thread.interrupted();
                }
            }
            thread = null;
            if (callerInterrupted) {
                Thread.currentThread().interrupt();
                callerInterrupted = false;
            }
            return overran;
        }

        private void interruptIfOverdue(long now) {
            if (state.get() != RUNNING) {
                return;
            }
            long running = Integer.toUnsignedLong(call);
            if (running != seenCall) {
                seenCall = running;
                seenSince = now;
                return;
            }
            if (now - seenSince < deadlineNanos || !state.compareAndSet(RUNNING, FIRING)) {
                return;
            }
            // The call cannot end while FIRING, but it may be a newer call than the one judged above.
            if (Integer.toUnsignedLong(call) != running) {
                state.set(RUNNING);
                return;
            }
            thread.interrupt();
            state.set(FIRED);
        }

        /** Stops watching this VM. */
        @Override
        public void close() {
            guards.remove(this);
        }
    }
}
