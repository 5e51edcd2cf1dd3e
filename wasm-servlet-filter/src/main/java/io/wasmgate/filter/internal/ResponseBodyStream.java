package io.wasmgate.filter.internal;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.util.Objects;

/** The output stream the application writes to; bytes go to the {@link BufferingResponseWrapper}. */
final class ResponseBodyStream extends ServletOutputStream {
    private final BufferingResponseWrapper response;

    ResponseBodyStream(BufferingResponseWrapper response) {
        this.response = response;
    }

    @Override
    public void write(int b) throws IOException {
        response.append(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        response.append(b, off, len);
    }

    @Override
    public void flush() throws IOException {
        response.flushPending();
    }

    @Override
    public void close() throws IOException {
        response.closeBody();
    }

    /**
     * Writes wait behind the filter (the plugins see every chunk before the client does), so a write is
     * always possible; a {@link WriteListener} hears {@code onWritePossible} once, on a container thread
     * of the application's async cycle.
     */
    @Override
    public boolean isReady() {
        return true;
    }

    @Override
    public void setWriteListener(WriteListener writeListener) {
        Objects.requireNonNull(writeListener, "writeListener");
        response.onContainerThread(() -> {
            try {
                writeListener.onWritePossible();
            } catch (IOException | RuntimeException e) {
                writeListener.onError(e);
            }
        });
    }
}
