package io.wasmgate.abi.wire;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Property paths as guests send them: segments joined by NUL, normally without a
 * trailing NUL ({@code request\0headers\0user-agent}). A trailing NUL is tolerated, as in Envoy.
 */
public final class PropertyPath {
    private PropertyPath() {}

    /** Splits the guest's path bytes into segments; an empty path gives no segments. */
    public static List<String> parse(byte[] bytes) {
        List<String> segments = new ArrayList<>(4);
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                segments.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < bytes.length) {
            segments.add(new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8));
        }
        return segments;
    }

    /** Joins segments with NUL, as a guest would send them. */
    public static byte[] encode(String... segments) {
        return String.join("\0", segments).getBytes(StandardCharsets.UTF_8);
    }
}
