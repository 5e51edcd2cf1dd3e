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

    /** A watchdog that scans only when the test calls {@link CallWatchdog#scan(long)}, at the times it chooses. */
    private static CallWatchdog scannedByHand() {
        ScheduledExecutorService never = Executors.newSingleThreadScheduledExecutor();
        CallWatchdog watchdog = new CallWatchdog(never);
        never.shutdownNow();
        return watchdog;
    }

    @Test
    void callsThatEachEndInTimeAreNotAddedUpIntoAnOverrun() {
        CallWatchdog watchdog = scannedByHand();
        CallWatchdog.Guard guard = watchdog.guard(20);
        guard.enter();
        watchdog.scan(0);
        assertThat(guard.exit()).isFalse();
        guard.enter();
        watchdog.scan(15);
        watchdog.scan(30);

        assertThat(guard.exit()).as("a newer call seen since 15 has run for 15, not 30").isFalse();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void aCallSeenRunningForItsDeadlineIsInterrupted() {
        CallWatchdog watchdog = scannedByHand();
        CallWatchdog.Guard guard = watchdog.guard(20);
        guard.enter();
        watchdog.scan(0);
        watchdog.scan(19);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        watchdog.scan(20);

        assertThat(Thread.currentThread().isInterrupted()).isTrue();
        assertThat(guard.exit()).isTrue();
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
