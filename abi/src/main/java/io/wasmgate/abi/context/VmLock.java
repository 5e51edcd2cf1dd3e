package io.wasmgate.abi.context;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The lock every caller into one VM instance holds: a {@link ReentrantLock} whose {@link #lock()} spins
 * for about two microseconds before it parks. A callback holds the lock for around a microsecond, while
 * parking a thread and waking it costs tens of microseconds of two threads' time, so a caller that finds
 * the lock held usually gets it still on its core; a holder that lost its core makes the waiters park.
 */
final class VmLock extends ReentrantLock {
    private static final long serialVersionUID = 1L;
    /**
     * About 26 ns each on the 2-core VM of bench/RESULTS.md. None on one processor: there the holder
     * cannot run while a waiter spins.
     */
    private static final int SPINS = Runtime.getRuntime().availableProcessors() > 1 ? 80 : 0;

    @Override
    public void lock() {
        if (tryLock()) {
            return;
        }
        for (int i = 0; i < SPINS; i++) {
            Thread.onSpinWait();
            if (!isLocked() && tryLock()) {
                return;
            }
        }
        super.lock();
    }
}
