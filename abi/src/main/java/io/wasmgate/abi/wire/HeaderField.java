package io.wasmgate.abi.wire;

import java.util.Objects;

/**
 * One header, trailer or metadata entry.
 *
 * <p>Names and values are Java strings holding one char per byte (ISO-8859-1), which is how servlet
 * containers expose header bytes; the pairs codec maps them to and from guest bytes one to one, so a
 * header passes through a plugin byte for byte.
 */
public record HeaderField(String name, String value) {
    public HeaderField {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }
}
