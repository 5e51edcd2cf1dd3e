package io.wasmgate.abi.wire;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The proxy-wasm serialized pairs format, used for header maps, local-reply headers, call
 * headers and gRPC metadata: {@code u32 N}, then N × ({@code u32 key_len}, {@code u32 value_len}), then
 * N × (key, NUL, value, NUL), all little-endian.
 *
 * <p>Decoding follows cpp-host's {@code toPairs}: anything malformed or over the limits decodes to an
 * empty list rather than an error, which is what guests built against Envoy expect.
 */
public final class HeaderPairsCodec {
    /** cpp-host's limit on pairs accepted from a guest. */
    public static final int MAX_PAIRS = 1024;
    /** cpp-host's limit on the size of a serialized pairs buffer accepted from a guest. */
    public static final int MAX_BYTES = 1024 * 1024;

    private HeaderPairsCodec() {}

    /** Serializes {@code fields} in order; an empty list serializes to zero bytes, as cpp-host does. */
    public static byte[] encode(List<HeaderField> fields) {
        if (fields.isEmpty()) {
            return new byte[0];
        }
        int size = 4;
        for (HeaderField field : fields) {
            size += 8 + field.name().length() + 1 + field.value().length() + 1;
        }
        byte[] out = new byte[size];
        putInt(out, 0, fields.size());
        int lengths = 4;
        int data = 4 + 8 * fields.size();
        for (HeaderField field : fields) {
            putInt(out, lengths, field.name().length());
            putInt(out, lengths + 4, field.value().length());
            lengths += 8;
            data = putLatin1(out, data, field.name());
            data = putLatin1(out, data, field.value());
        }
        return out;
    }

    /** Decodes guest bytes; malformed input, or more than {@link #MAX_PAIRS} pairs or {@link #MAX_BYTES}, gives an empty list. */
    public static List<HeaderField> decode(byte[] bytes) {
        if (bytes.length < 4 || bytes.length > MAX_BYTES) {
            return List.of();
        }
        long count = getUnsigned(bytes, 0);
        if (count > MAX_PAIRS || 4 + count * 8 > bytes.length) {
            return List.of();
        }
        List<HeaderField> fields = new ArrayList<>((int) count);
        int lengths = 4;
        long data = 4 + count * 8;
        for (int i = 0; i < count; i++) {
            long nameLength = getUnsigned(bytes, lengths);
            long valueLength = getUnsigned(bytes, lengths + 4);
            lengths += 8;
            long nameEnd = data + nameLength;
            long valueEnd = nameEnd + 1 + valueLength;
            if (valueEnd >= bytes.length || bytes[(int) nameEnd] != 0 || bytes[(int) valueEnd] != 0) {
                return List.of();
            }
            String name = new String(bytes, (int) data, (int) nameLength, StandardCharsets.ISO_8859_1);
            String value = new String(bytes, (int) nameEnd + 1, (int) valueLength, StandardCharsets.ISO_8859_1);
            fields.add(new HeaderField(name, value));
            data = valueEnd + 1;
        }
        return data == bytes.length ? fields : List.of();
    }

    /**
     * Header text holds one char per byte, so the low byte of each char is the wire byte. The deprecated
     * {@link String#getBytes(int, int, byte[], int)} is exactly that, as one array copy for Latin-1 strings
     * (twice as fast as a char loop at 100 headers, bench/RESULTS.md H5).
     */
    @SuppressWarnings("deprecation")
    private static int putLatin1(byte[] out, int offset, String text) {
        text.getBytes(0, text.length(), out, offset);
        out[offset + text.length()] = 0;
        return offset + text.length() + 1;
    }

    private static void putInt(byte[] out, int offset, int value) {
        out[offset] = (byte) value;
        out[offset + 1] = (byte) (value >>> 8);
        out[offset + 2] = (byte) (value >>> 16);
        out[offset + 3] = (byte) (value >>> 24);
    }

    private static long getUnsigned(byte[] in, int offset) {
        return (in[offset] & 0xFFL)
                | (in[offset + 1] & 0xFFL) << 8
                | (in[offset + 2] & 0xFFL) << 16
                | (in[offset + 3] & 0xFFL) << 24;
    }
}
