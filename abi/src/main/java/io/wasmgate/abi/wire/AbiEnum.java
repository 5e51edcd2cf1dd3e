package io.wasmgate.abi.wire;

import java.util.Optional;

/** Decodes an ABI integer into an enum whose constants are declared in ABI order, without allocating. */
final class AbiEnum<E extends Enum<E>> {
    private final Optional<E>[] byCode;

    @SuppressWarnings("unchecked")
    AbiEnum(E[] constants) {
        byCode = new Optional[constants.length];
        for (E constant : constants) {
            byCode[constant.ordinal()] = Optional.of(constant);
        }
    }

    Optional<E> of(int code) {
        return code >= 0 && code < byCode.length ? byCode[code] : Optional.empty();
    }
}
