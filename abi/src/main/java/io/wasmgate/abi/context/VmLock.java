package io.wasmgate.abi.context;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The lock every caller into one VM instance holds: a {@link ReentrantLock} whose {@link #lock()} spins
 * for about two microseconds before it parks. A callback holds the lock for around a microsecond, while
 * parking a thread and waking it costs tens of microseconds of two threads' time, so a caller that finds
 * the lock held usually gets it still on its core; a holder that lost its core makes the waiters park.
 *
 * <p>It also carries the VM's integration calls ({@link #afterRelease}): queued under the lock, made after
 * it, so an integration that re-dispatches a request (a container call) never does so under a VM lock.
 * They run in the order they were queued, one at a time: the thread releasing the lock makes them, unless
 * another thread is already making this lock's calls, which then makes these too.
 */
final class VmLock extends ReentrantLock {
    private static final long serialVersionUID = 1L;
    /**
     * About 26 ns each on the 2-core VM of bench/RESULTS.md. None on one processor: there the holder
     * cannot run while a waiter spins.
     */
    private static final int SPINS = Runtime.getRuntime().availableProcessors() > 1 ? 80 : 0;

    /** Calls queued under the lock, in order; transient as no VM lock is ever serialised. */
    private final transient ConcurrentLinkedQueue<Runnable> outbox = new ConcurrentLinkedQueue<>();
    /** Whether a thread is making the queued calls, so no other overtakes it. */
    private final transient AtomicBoolean delivering = new AtomicBoolean();

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

    /**
     * Queues {@code call} to be made once the holder has released the lock, after every call queued
     * before it. The caller holds the lock, so the queue's order is the order of the VM's decisions.
     */
    void afterRelease(Runnable call) {
        outbox.add(call);
    }

    /** Releases the lock; the outermost release then makes the queued calls. */
    @Override
    public void unlock() {
        boolean outermost = getHoldCount() == 1;
        super.unlock();
        if (outermost && !outbox.isEmpty()) {
            deliver();
        }
    }

    /**
     * Makes the queued calls unless another thread is making them. The loop re-checks after letting go
     * of {@link #delivering}: a call queued just before that would otherwise wait for the next release.
     * A call that throws does not stop the later ones; the first failure is rethrown once all are made.
     */
    private void deliver() {
        RuntimeException failure = null;
        while (!outbox.isEmpty() && delivering.compareAndSet(false, true)) {
            try {
                Runnable call;
                while ((call = outbox.poll()) != null) {
                    try {
                        call.run();
                    } catch (RuntimeException e) {
                        if (failure == null) {
                            failure = e;
                        } else {
                            failure.addSuppressed(e);
                        }
                    }
                }
            } finally {
                delivering.set(false);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
