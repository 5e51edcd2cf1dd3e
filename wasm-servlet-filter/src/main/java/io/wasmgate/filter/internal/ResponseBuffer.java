package io.wasmgate.filter.internal;

import jakarta.servlet.ServletOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;

/**
 * The body side of the response the application writes: the stream or writer it writes through, and
 * the bytes written since the run last took them, up to the buffer size. It counts every body byte, so
 * the {@link BufferingResponseWrapper} can tell when a declared {@code Content-Length} is reached.
 */
final class ResponseBuffer {
    private final BufferingResponseWrapper owner;
    private final PendingBytes pending = new PendingBytes();
    private int size;
    private long written;
    private boolean closed;
    private boolean draining;
    private ServletOutputStream stream;
    private PrintWriter writer;

    /**
     * @param owner where the application's stream and writer write to
     * @param containerSize the container's buffer size; at least 1 KiB is held
     */
    ResponseBuffer(BufferingResponseWrapper owner, int containerSize) {
        this.owner = owner;
        this.size = Math.max(1024, containerSize);
    }

    void write(byte[] bytes, int offset, int length) {
        pending.write(bytes, offset, length);
        written += length;
    }

    /** {@code true} once the bytes held reach the buffer size: they go to the run. */
    boolean full() {
        return pending.size() >= size;
    }

    boolean isEmpty() {
        return pending.size() == 0;
    }

    /** Body bytes written since the start (or the last {@link #startOver}). */
    long written() {
        return written;
    }

    /** Bytes written since the last take, after pushing out what the writer still encodes. */
    byte[] take() {
        if (writer != null) {
            draining = true;
            writer.flush();
            draining = false;
        }
        return pending.take();
    }

    /** {@code true} while {@link #take} pushes out the writer: its bytes belong to a body already closed or flushed. */
    boolean draining() {
        return draining;
    }

    /** Drops what is held, as if never written (the application reset the buffer). */
    void clear() {
        written -= pending.size();
        pending.reset();
    }

    /** Drops what is held: it goes nowhere (a reply replaced the response, or an error was sent). */
    void discard() {
        pending.reset();
    }

    int size() {
        return size;
    }

    void size(int size) {
        this.size = Math.max(1024, size);
    }

    boolean closed() {
        return closed;
    }

    void close() {
        closed = true;
    }

    boolean writerOpen() {
        return writer != null;
    }

    ServletOutputStream outputStream() {
        if (writer != null) {
            throw new IllegalStateException("getWriter() was already called on this response");
        }
        if (stream == null) {
            stream = new ResponseBodyStream(owner);
        }
        return stream;
    }

    /** Fails if the application took the output stream: it cannot have a writer too. */
    void checkWriterAllowed() {
        if (stream != null && writer == null) {
            throw new IllegalStateException("getOutputStream() was already called on this response");
        }
    }

    /** Hands out a writer that encodes with {@code charset}; it stays the application's until a reset. */
    void openWriter(Charset charset) {
        stream = new ResponseBodyStream(owner);
        writer = new PrintWriter(new OutputStreamWriter(stream, charset), false);
    }

    PrintWriter writer() {
        return writer;
    }

    /** The application reset the response: its next stream or writer is a new one. */
    void forgetStreams() {
        stream = null;
        writer = null;
    }

    /** A new body from the start: the container's error page replaces what the application wrote. */
    void startOver() {
        closed = false;
        pending.reset();
        written = 0;
        forgetStreams();
    }
}
