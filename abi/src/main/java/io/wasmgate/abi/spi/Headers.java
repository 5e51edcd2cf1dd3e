package io.wasmgate.abi.spi;

import io.wasmgate.abi.wire.HeaderField;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * An ordered header (or trailer, or metadata) map as proxy-wasm sees it: lower-case names, duplicates
 * kept as separate entries, pseudo-headers ({@code :method}, {@code :path}, {@code :status}) as ordinary
 * entries. Integrations fill one before a headers callback and read it back afterwards; plugins change it
 * in place. Not thread-safe: a stream is only touched under its VM's lock.
 */
public final class Headers {
    private final List<HeaderField> fields;
    private int changes;

    public Headers() {
        this.fields = new ArrayList<>();
    }

    private Headers(List<HeaderField> fields) {
        this.fields = fields;
    }

    /** A map holding {@code fields} in order, names lower-cased. */
    public static Headers of(List<HeaderField> fields) {
        Headers headers = new Headers(new ArrayList<>(fields.size()));
        fields.forEach(field -> headers.add(field.name(), field.value()));
        return headers;
    }

    /** Appends an entry, keeping existing ones with the same name. */
    public Headers add(String name, String value) {
        fields.add(new HeaderField(lower(name), value));
        changes++;
        return this;
    }

    /** Replaces every entry named {@code name} by one entry, or appends it if absent. */
    public Headers set(String name, String value) {
        String key = lower(name);
        int at = indexOf(key);
        changes++;
        if (at < 0) {
            fields.add(new HeaderField(key, value));
            return this;
        }
        fields.set(at, new HeaderField(key, value));
        for (int i = fields.size() - 1; i > at; i--) {
            if (fields.get(i).name().equals(key)) {
                fields.remove(i);
            }
        }
        return this;
    }

    /** Removes every entry named {@code name}; removing an absent name is not an error. */
    public Headers remove(String name) {
        String key = lower(name);
        if (fields.removeIf(field -> field.name().equals(key))) {
            changes++;
        }
        return this;
    }

    /** Replaces the whole map. */
    public Headers replaceAll(List<HeaderField> replacement) {
        fields.clear();
        changes++;
        replacement.forEach(field -> add(field.name(), field.value()));
        return this;
    }

    /** The first value of {@code name} (what Envoy's {@code get_header_map_value} returns). */
    public Optional<String> first(String name) {
        int at = indexOf(lower(name));
        return at < 0 ? Optional.empty() : Optional.of(fields.get(at).value());
    }

    /** Every value of {@code name}, in order. */
    public List<String> values(String name) {
        String key = lower(name);
        List<String> values = new ArrayList<>(1);
        for (HeaderField field : fields) {
            if (field.name().equals(key)) {
                values.add(field.value());
            }
        }
        return values;
    }

    /** All entries in order, unmodifiable. */
    public List<HeaderField> fields() {
        return Collections.unmodifiableList(fields);
    }

    /**
     * How many times the map was written to ({@code add}, {@code set}, {@code replaceAll}, a
     * {@code remove} that removed something): an integration that remembers it can tell later whether
     * a plugin touched the map, and skip translating an unchanged one.
     */
    public int changes() {
        return changes;
    }

    /** Number of entries, pseudo-headers included. */
    public int size() {
        return fields.size();
    }

    /** Sum of name and value lengths: Envoy's {@code byteSize()}, which {@code proxy_get_header_map_size} reports. */
    public long byteSize() {
        long size = 0;
        for (HeaderField field : fields) {
            size += field.name().length() + field.value().length();
        }
        return size;
    }

    private int indexOf(String key) {
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).name().equals(key)) {
                return i;
            }
        }
        return -1;
    }

    /** ASCII only, as Envoy does: other bytes of a name are left alone. */
    private static String lower(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                char[] chars = name.toCharArray();
                for (int j = i; j < chars.length; j++) {
                    if (chars[j] >= 'A' && chars[j] <= 'Z') {
                        chars[j] += 'a' - 'A';
                    }
                }
                return new String(chars);
            }
        }
        return name;
    }

    @Override
    public String toString() {
        return fields.toString();
    }
}
