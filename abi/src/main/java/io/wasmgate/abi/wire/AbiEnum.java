package io.wasmgate.abi.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Decodes an ABI integer into an enum whose constants are declared in ABI order, without allocating. */
final class AbiEnum<E extends Enum<E>> {
    private final List<Optional<E>> byCode;

    AbiEnum(E[] constants) {
        List<Optional<E>> decoded = new ArrayList<>(constants.length);
        for (E constant : constants) {
            decoded.add(constant.ordinal(), Optional.of(constant));
        }
        byCode = List.copyOf(decoded);
    }

    Optional<E> of(int code) {
        return code >= 0 && code < byCode.size() ? byCode.get(code) : Optional.empty();
    }
}
