package io.wasmgate.abi.context;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.testing.Poll;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class VmLockTest {

    @Test
    void isReentrantForItsHolder() {
        VmLock lock = new VmLock();
        lock.lock();
        lock.lock();
        assertThat(lock.getHoldCount()).isEqualTo(2);
        lock.unlock();
        lock.unlock();
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void aWaiterPastItsSpinParksAndGetsTheLockWhenTheHolderLetsGo() throws Exception {
        VmLock lock = new VmLock();
        ExecutorService waiter = Executors.newSingleThreadExecutor();
        try {
            lock.lock();
            CountDownLatch trying = new CountDownLatch(1);
            Future<Boolean> acquired = waiter.submit(() -> {
                trying.countDown();
                lock.lock();
                try {
                    return lock.isHeldByCurrentThread();
                } finally {
                    lock.unlock();
                }
            });
            trying.await();
            Poll.until("the waiter parked in the lock's queue", lock::hasQueuedThreads);
            assertThat(acquired).as("the holder still holds it").isNotDone();
            lock.unlock();
            assertThat(acquired.get(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            waiter.shutdownNow();
        }
    }

    @Test
    void excludesEveryOtherThread() throws Exception {
        VmLock lock = new VmLock();
        int threads = 4;
        int rounds = 20_000;
        long[] counter = new long[1];
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            Future<?>[] done = new Future<?>[threads];
            for (int t = 0; t < threads; t++) {
                done[t] = pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < rounds; i++) {
                        lock.lock();
                        try {
                            counter[0]++;
                        } finally {
                            lock.unlock();
                        }
                    }
                    return null;
                });
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(counter[0]).as("no increment lost to an overlapping holder").isEqualTo((long) threads * rounds);
    }
}
