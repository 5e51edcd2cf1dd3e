package io.wasmgate.abi.spi;

import java.util.Arrays;

/**
 * The body bytes a plugin currently sees in one direction: the chunk just delivered, or everything
 * buffered while the plugin held the stream. The stream fills it from the chunks the integration delivers;
 * the integration forwards {@link #share()} when the plugin continues; plugins edit it with
 * {@code proxy_set_buffer_bytes}.
 *
 * <p>The backing array may be longer than {@link #length()} (edits happen in place where they fit): only
 * its first {@code length()} bytes are content, and only ranges of those are ever handed out.
 */
public final class Body {
    /** Shared by every empty body: a zero-length array is never written into. */
    private static final byte[] EMPTY = new byte[0];

    private byte[] data = EMPTY;
    private int length;
    /** {@code data} is a chunk the caller lent ({@link #wrap}): read it, never write into it. */
    private boolean lent;

    /** Receives a range of a body's backing array in place; valid only during the call. */
    @FunctionalInterface
    public interface SliceReader {
        /** Reads {@code array[offset, offset + length)}; must neither change {@code array} nor keep it. */
        void read(byte[] array, int offset, int length);
    }

    /** An empty body. */
    public Body() {
    }

    /** Appends a copy of {@code chunk}. */
    public void append(byte[] chunk) {
        if (chunk.length == 0) {
            return; // a bare end of stream: nothing to copy, and a lent chunk can stay lent
        }
        ensureWritable(length + chunk.length);
        System.arraycopy(chunk, 0, data, length, chunk.length);
        length += chunk.length;
    }

    /**
     * Makes {@code chunk} itself the content, without copying it: a chunk the plugin only reads or lets
     * through costs nothing. The body never writes into it (an edit or an append copies it first), and the
     * caller must not change it while this body holds it.
     */
    public void wrap(byte[] chunk) {
        data = chunk;
        length = chunk.length;
        lent = true;
    }

    /** Replaces the content with a copy of {@code content}. */
    public void replace(byte[] content) {
        data = content.clone();
        length = content.length;
        lent = false;
    }

    /** Forgets the content, e.g. after it was forwarded. */
    public void clear() {
        if (lent) {
            data = EMPTY;
            lent = false;
        }
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
     * The content to pass on, without a copy when the backing array holds exactly the content (a chunk
     * the plugin let through, or a whole replacement): the array itself, which from then on this body
     * treats as lent, so a later edit copies first and the receiver may keep it. Otherwise a copy.
     */
    public byte[] share() {
        if (data.length != length) {
            return bytes();
        }
        if (length > 0) {
            lent = true;
        }
        return data;
    }

    /**
     * Hands {@code reader} up to {@code max} bytes from {@code start}, both unsigned and clamped to the
     * content, as cpp-host does (the Rust SDK asks for {@code (0, 0xFFFFFFFF)} to mean "everything"),
     * without copying them: the guest copy is the only one.
     */
    public void readSlice(long start, long max, SliceReader reader) {
        int from = (int) Math.min(start, length);
        int to = (int) Math.min(length, from + max);
        reader.read(data, from, to - from);
    }

    /**
     * Replaces {@code size} bytes at {@code start} with {@code replacement} (unsigned, clamped). The SDK
     * idioms all follow: {@code (0, 0)} prepends, {@code (0, >= length)} replaces everything, and
     * {@code start >= length} (the Go SDK passes {@code 0x7FFFFFFF}) appends.
     *
     * <p>A replacement of everything becomes the content itself, without a copy: the caller hands
     * {@code replacement} over and must neither change nor keep it (the hostcall passes a fresh copy of
     * guest memory). Other edits happen in place when the result fits the backing array.
     */
    public void splice(long start, long size, byte[] replacement) {
        int from = (int) Math.min(start, length);
        int to = (int) Math.min(length, from + size);
        if (from == 0 && to == length) {
            data = replacement;
            length = replacement.length;
            lent = false;
            return;
        }
        int next = length - (to - from) + replacement.length;
        if (lent || next > data.length) {
            byte[] grown = new byte[next];
            System.arraycopy(data, 0, grown, 0, from);
            System.arraycopy(data, to, grown, from + replacement.length, length - to);
            data = grown;
            lent = false;
        } else {
            // The tail moves first (arraycopy allows overlap); the replacement then lands before it.
            System.arraycopy(data, to, data, from + replacement.length, length - to);
        }
        System.arraycopy(replacement, 0, data, from, replacement.length);
        length = next;
    }

    /** Makes {@code data} an array of our own with room for {@code needed} bytes. */
    private void ensureWritable(int needed) {
        if (lent || needed > data.length) {
            byte[] grown = new byte[Math.max(needed, data.length * 2)];
            System.arraycopy(data, 0, grown, 0, length);
            data = grown;
            lent = false;
        }
    }
}
