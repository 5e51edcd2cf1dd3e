package io.wasmgate.abi.wire;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A typed attribute value and its byte encoding as Envoy's {@code serializeValue} produces it:
 * strings raw, integers and timestamps as 8 little-endian bytes, booleans as one
 * byte, maps as serialized pairs whose values are themselves encoded.
 *
 * <p>Maps can be navigated one path segment at a time with {@link #child(String)}, so
 * {@code request\0headers\0user-agent} resolves to the header's string value.
 */
public abstract sealed class PropertyValue {
    private PropertyValue() {}

    /** The bytes returned to the guest for this value. */
    public abstract byte[] encode();

    /** The value one path segment below this one; only maps have children. */
    public Optional<PropertyValue> child(String segment) {
        return Optional.empty();
    }

    public static PropertyValue ofString(String value) {
        return new Bytes(value.getBytes(StandardCharsets.UTF_8));
    }

    public static PropertyValue ofBytes(byte[] value) {
        return new Bytes(value.clone());
    }

    public static PropertyValue ofInt(long value) {
        return new Bytes(littleEndian(value));
    }

    public static PropertyValue ofBool(boolean value) {
        return new Bytes(new byte[] {(byte) (value ? 1 : 0)});
    }

    /** A timestamp: nanoseconds since the Unix epoch as a signed 64-bit integer. */
    public static PropertyValue ofTimestamp(Instant value) {
        return ofInt(value.getEpochSecond() * 1_000_000_000L + value.getNano());
    }

    /** A duration: nanoseconds as a signed 64-bit integer. */
    public static PropertyValue ofDuration(Duration value) {
        return ofInt(value.toNanos());
    }

    /** A map of string values; keys keep their insertion order. */
    public static PropertyValue ofStringMap(Map<String, String> entries) {
        Map<String, PropertyValue> values = new LinkedHashMap<>();
        entries.forEach((key, value) -> values.put(key, ofString(value)));
        return new MapValue(values);
    }

    /** A map of typed values; keys keep their insertion order. */
    public static PropertyValue ofMap(Map<String, PropertyValue> entries) {
        return new MapValue(new LinkedHashMap<>(entries));
    }

    static byte[] littleEndian(long value) {
        byte[] out = new byte[8];
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (value >>> (8 * i));
        }
        return out;
    }

    private static final class Bytes extends PropertyValue {
        private final byte[] bytes;

        Bytes(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public byte[] encode() {
            return bytes.clone();
        }
    }

    private static final class MapValue extends PropertyValue {
        private final Map<String, PropertyValue> entries;

        MapValue(Map<String, PropertyValue> entries) {
            this.entries = entries;
        }

        @Override
        public byte[] encode() {
            List<HeaderField> pairs = new ArrayList<>(entries.size());
            entries.forEach((key, value) -> pairs.add(new HeaderField(latin1(key.getBytes(StandardCharsets.UTF_8)), latin1(value.encode()))));
            return HeaderPairsCodec.encode(pairs);
        }

        @Override
        public Optional<PropertyValue> child(String segment) {
            return Optional.ofNullable(entries.get(segment));
        }

        private static String latin1(byte[] bytes) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }
}
