package io.wasmgate.abi.vm;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * A module's bytes with every function body replaced by {@code unreachable}, everything else as it was:
 * what is parsed when compiled code for every function is at hand (a code cache entry made without
 * leaving a function to the interpreter), so that Chicory does not decode instructions nothing will run.
 * Decoding them is most of a large module's parse: 4.9 s of the Go SDK module's 5 s, cold.
 */
final class CodeBodies {
    private static final int HEADER = 8;
    private static final int CODE_SECTION = 10;
    /** Size 3: no locals, {@code unreachable}, {@code end}; valid for any function type. */
    private static final byte[] UNREACHABLE = {0x03, 0x00, 0x00, 0x0b};

    private CodeBodies() {}

    /**
     * {@code module} with its code section's bodies replaced.
     *
     * @throws IllegalArgumentException if the sections are not well framed
     */
    static byte[] withoutBodies(byte[] module) {
        ByteBuffer in = ByteBuffer.wrap(module);
        ByteArrayOutputStream out = new ByteArrayOutputStream(module.length / 2);
        try {
            in.position(HEADER);
            out.write(module, 0, HEADER);
            while (in.hasRemaining()) {
                int start = in.position();
                int id = in.get() & 0xff;
                int size = u32(in);
                int contents = in.position();
                if (size > in.remaining()) {
                    throw new IllegalArgumentException("section " + id + " at " + start + " runs past the end");
                }
                if (id == CODE_SECTION) {
                    ByteArrayOutputStream section = new ByteArrayOutputStream();
                    int count = u32(in);
                    writeU32(section, count);
                    for (int i = 0; i < count; i++) {
                        section.write(UNREACHABLE, 0, UNREACHABLE.length);
                    }
                    out.write(id);
                    writeU32(out, section.size());
                    out.write(section.toByteArray(), 0, section.size());
                } else {
                    out.write(module, start, contents + size - start);
                }
                in.position(contents + size);
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a well-framed WebAssembly module: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private static int u32(ByteBuffer in) {
        long value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            int b = in.get() & 0xff;
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                if (value > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("length " + value + " out of range");
                }
                return (int) value;
            }
        }
        throw new IllegalArgumentException("LEB128 number longer than 5 bytes");
    }

    private static void writeU32(ByteArrayOutputStream out, int value) {
        int rest = value;
        do {
            int b = rest & 0x7f;
            rest >>>= 7;
            out.write(rest == 0 ? b : b | 0x80);
        } while (rest != 0);
    }
}
