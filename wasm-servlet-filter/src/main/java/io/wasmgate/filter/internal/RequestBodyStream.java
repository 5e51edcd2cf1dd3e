package io.wasmgate.filter.internal;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * The request body as the application reads it: what passed every plugin. Each read that finds nothing
 * ready asks the run for more, which reads the next chunk from the client and sends it through the
 * plugins (so they see the body chunk by chunk, as it is read).
 *
 * <p>Non-blocking reads ({@link ReadListener}) are served on top of that: {@link #isReady()} is always
 * {@code true} (a read may wait for the client and the plugins), {@code onDataAvailable} runs on a
 * container thread of the application's async cycle, and {@code onAllDataRead} follows once a read found
 * the end, so frameworks that read this way by default work unchanged behind the filter.
 */
final class RequestBodyStream extends ServletInputStream {
    private final FilterChainRun run;
    private final ArrayDeque<byte[]> ready = new ArrayDeque<>(2);
    private byte[] current = new byte[0];
    private int position;
    private boolean ended;
    private long passedBytes;
    private ReadListener listener;
    private boolean allDataReadDelivered;

    RequestBodyStream(FilterChainRun run) {
        this.run = run;
    }

    /** Bytes that passed the plugins. */
    void offer(byte[] bytes) {
        if (bytes.length > 0) {
            ready.add(bytes);
            passedBytes += bytes.length;
        }
    }

    /** Bytes that passed the plugins while nobody will read them (the application is done): counted, dropped. */
    void discard(int length) {
        passedBytes += length;
    }

    /** The body is complete: reads return -1 once {@link #offer}ed bytes are consumed. */
    void end() {
        ended = true;
    }

    boolean hasReady() {
        return position < current.length || !ready.isEmpty();
    }

    boolean ended() {
        return ended;
    }

    /** Body bytes that passed the plugins so far; the body's length once {@link #ended()}. */
    long passedBytes() {
        return passedBytes;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (position == current.length) {
            byte[] next = ready.poll();
            if (next != null) {
                current = next;
                position = 0;
            } else if (ended) {
                allDataRead();
                return -1;
            } else {
                try {
                    run.requestBodyNeeded();
                } catch (IOException e) {
                    if (listener != null) {
                        ReadListener failed = listener;
                        run.onContainerThread(() -> failed.onError(e));
                    }
                    throw e;
                }
            }
        }
        int n = Math.min(len, current.length - position);
        System.arraycopy(current, position, b, off, n);
        position += n;
        return n;
    }

    @Override
    public int available() {
        return current.length - position;
    }

    @Override
    public boolean isFinished() {
        return ended && !hasReady();
    }

    /** Reads wait behind the filter (each one may run the plugins), so a read is always possible. */
    @Override
    public boolean isReady() {
        return true;
    }

    @Override
    public void setReadListener(ReadListener readListener) {
        if (listener != null) {
            throw new IllegalStateException("a ReadListener is already set");
        }
        listener = Objects.requireNonNull(readListener, "readListener");
        run.onContainerThread(() -> {
            try {
                readListener.onDataAvailable();
                if (isFinished()) {
                    allDataRead();
                }
            } catch (IOException | RuntimeException e) {
                readListener.onError(e);
            }
        });
    }

    /** The end was read: a listener hears of it once, on its own container thread. */
    private void allDataRead() {
        if (listener != null && !allDataReadDelivered) {
            allDataReadDelivered = true;
            ReadListener done = listener;
            run.onContainerThread(() -> {
                try {
                    done.onAllDataRead();
                } catch (IOException | RuntimeException e) {
                    done.onError(e);
                }
            });
        }
    }
}
