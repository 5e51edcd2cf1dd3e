package io.wasmgate.abi.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The resource limits Wasmgate enforces per plugin, beyond what Envoy does: linear memory per VM
 * instance, one callback's run time, how long a paused stream may wait, and how much body one direction
 * of a stream may buffer. {@link #defaults()} are generous enough for SDK-built policies.
 *
 * @param memoryBytes maximum linear memory of one VM instance (rounded down to 64 KiB pages)
 * @param callbackDeadline maximum run time of one call into the guest; overrunning is a trap
 * @param pauseDeadline how long a paused stream waits for the plugin to continue it (integrations answer 504)
 * @param maxBufferedBody bytes one direction of a stream may buffer while the plugin holds it (413 / 502 over it)
 */
public record Limits(long memoryBytes, Duration callbackDeadline, Duration pauseDeadline, long maxBufferedBody) {
    /** 64 KiB, the Wasm page size. */
    public static final long PAGE = 65_536;

    public Limits {
        Objects.requireNonNull(callbackDeadline, "callbackDeadline");
        Objects.requireNonNull(pauseDeadline, "pauseDeadline");
        if (memoryBytes < PAGE) {
            throw new IllegalArgumentException("limits.memory must be at least 64KiB, got " + memoryBytes + " bytes");
        }
        if (callbackDeadline.isNegative() || callbackDeadline.isZero()) {
            throw new IllegalArgumentException("limits.callback_deadline must be positive, got " + callbackDeadline);
        }
        if (pauseDeadline.isNegative() || pauseDeadline.isZero()) {
            throw new IllegalArgumentException("limits.pause_deadline must be positive, got " + pauseDeadline);
        }
        if (maxBufferedBody < 0) {
            throw new IllegalArgumentException("limits.max_buffered_body must not be negative, got " + maxBufferedBody);
        }
    }

    /** 128 MiB of memory, 1 s per callback, 10 s of pause, 1 MiB of buffered body. */
    public static Limits defaults() {
        return new Limits(128 * 1024 * 1024L, Duration.ofSeconds(1), Duration.ofSeconds(10), 1024 * 1024L);
    }

    /** Maximum memory in Wasm pages. */
    public int memoryPages() {
        return (int) Math.min(65_536, memoryBytes / PAGE);
    }

    public Limits withMemoryBytes(long bytes) {
        return new Limits(bytes, callbackDeadline, pauseDeadline, maxBufferedBody);
    }

    public Limits withCallbackDeadline(Duration deadline) {
        return new Limits(memoryBytes, deadline, pauseDeadline, maxBufferedBody);
    }

    public Limits withPauseDeadline(Duration deadline) {
        return new Limits(memoryBytes, callbackDeadline, deadline, maxBufferedBody);
    }

    public Limits withMaxBufferedBody(long bytes) {
        return new Limits(memoryBytes, callbackDeadline, pauseDeadline, bytes);
    }
}
