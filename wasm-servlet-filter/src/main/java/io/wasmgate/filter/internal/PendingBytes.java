package io.wasmgate.filter.internal;

import java.util.Arrays;
import java.util.Objects;

/**
 * Response body bytes held until the run takes them. A body written in one piece fills its array exactly
 * and is handed over as it is, so a common response is copied once, on the way in, where a
 * {@code ByteArrayOutputStream} copies it twice more (growing, then taking). Synchronized as that stream
 * is: a pause deadline may discard the bytes on another thread while the application still writes.
 */
final class PendingBytes {
    private static final byte[] NONE = new byte[0];

    private byte[] bytes = NONE;
    private int count;

    synchronized void write(byte[] source, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, source.length);
        int needed = Math.addExact(count, length);
        if (needed > bytes.length) {
            // A first write gets an array of its own size: a body written whole then fills it exactly.
            bytes = Arrays.copyOf(bytes, count == 0 ? needed : Math.max(needed, bytes.length * 2));
        }
        System.arraycopy(source, offset, bytes, count, length);
        count = needed;
    }

    synchronized int size() {
        return count;
    }

    /** The bytes held, which are then forgotten; the caller owns the array. */
    synchronized byte[] take() {
        if (count == bytes.length) {
            byte[] taken = bytes;
            bytes = NONE;
            count = 0;
            return taken;
        }
        byte[] taken = Arrays.copyOf(bytes, count);
        count = 0;
        return taken;
    }

    synchronized void reset() {
        count = 0;
    }
}
