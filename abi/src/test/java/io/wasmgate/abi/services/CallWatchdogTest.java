package io.wasmgate.abi.services;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CallWatchdogTest {
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final CallWatchdog watchdog = new CallWatchdog(scheduler);

    @AfterEach
    void stop() {
        watchdog.close();
        scheduler.shutdownNow();
    }

    @Test
    void anOverdueCallIsInterruptedAndTheInterruptIsClearedOnExit() throws InterruptedException {
        CallWatchdog.Guard guard = watchdog.guard(1_000_000L);
        guard.enter();
        boolean interrupted = false;
        try {
            // The scenario: a call blocked far past its budget, which only the watchdog's interrupt ends.
            Thread.sleep(10_000);
        } catch (InterruptedException e) {
            interrupted = true;
            Thread.currentThread().interrupt();
        }

        assertThat(interrupted).isTrue();
        assertThat(guard.exit()).isTrue();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void callsThatEachEndInTimeAreNotAddedUpIntoAnOverrun() throws InterruptedException {
        CallWatchdog.Guard guard = watchdog.guard(20_000_000L);
        long until = System.nanoTime() + 200_000_000L;
        int calls = 0;
        while (System.nanoTime() < until) {
            guard.enter();
            // The scenario: each call takes about 1 ms, well inside its 20 ms budget, for 200 ms in all.
            Thread.sleep(1);
            assertThat(guard.exit()).as("call %d", calls).isFalse();
            calls++;
        }
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void aCallWithinItsDeadlineIsLeftAlone() {
        CallWatchdog.Guard guard = watchdog.guard(60_000_000_000L);
        guard.enter();
        assertThat(guard.exit()).isFalse();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }
}
