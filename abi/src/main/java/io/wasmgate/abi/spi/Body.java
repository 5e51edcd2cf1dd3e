package io.wasmgate.abi.spi;

import java.util.Arrays;

/**
 * The body bytes a plugin currently sees in one direction: the chunk just delivered, or everything
 * buffered while the plugin held the stream. Integrations append chunks and forward {@link #bytes()}
 * when the plugin continues; plugins edit it with {@code proxy_set_buffer_bytes}.
 */
public final class Body {
    private byte[] data = new byte[0];
    private int length;

    /** Appends a chunk. */
    public void append(byte[] chunk) {
        ensureCapacity(length + chunk.length);
        System.arraycopy(chunk, 0, data, length, chunk.length);
        length += chunk.length;
    }

    /** Replaces the content with {@code content}. */
    public void replace(byte[] content) {
        data = content.clone();
        length = content.length;
    }

    /** Forgets the content, e.g. after it was forwarded. */
    public void clear() {
        length = 0;
    }

    public int length() {
        return length;
    }

    /** A copy of the content. */
    public byte[] bytes() {
        return Arrays.copyOf(data, length);
    }

    /**
     * Up to {@code max} bytes from {@code start}, both unsigned and clamped to the content, as cpp-host
     * does: the Rust SDK asks for {@code (0, 0xFFFFFFFF)} to mean "everything".
     */
    public byte[] slice(long start, long max) {
        if (start >= length) {
            return new byte[0];
        }
        int end = (int) Math.min(length, start + max);
        return Arrays.copyOfRange(data, (int) start, end);
    }

    /**
     * Replaces {@code size} bytes at {@code start} with {@code replacement} (unsigned, clamped). The SDK
     * idioms all follow: {@code (0, 0)} prepends, {@code (0, >= length)} replaces everything, and
     * {@code start >= length} (the Go SDK passes {@code 0x7FFFFFFF}) appends.
     */
    public void splice(long start, long size, byte[] replacement) {
        int from = (int) Math.min(start, length);
        int to = (int) Math.min(length, from + size);
        byte[] next = new byte[length - (to - from) + replacement.length];
        System.arraycopy(data, 0, next, 0, from);
        System.arraycopy(replacement, 0, next, from, replacement.length);
        System.arraycopy(data, to, next, from + replacement.length, length - to);
        data = next;
        length = next.length;
    }

    private void ensureCapacity(int needed) {
        if (needed > data.length) {
            data = Arrays.copyOf(data, Math.max(needed, data.length * 2));
        }
    }
}
