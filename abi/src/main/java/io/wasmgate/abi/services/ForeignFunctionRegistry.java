package io.wasmgate.abi.services;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The foreign functions integrations offer to plugins; an unknown name is {@code NOT_FOUND} to the guest. */
public final class ForeignFunctionRegistry {
    private final Map<String, ForeignFunction> functions = new ConcurrentHashMap<>();

    /** A registry with no functions. */
    public ForeignFunctionRegistry() {
    }

    /** Offers {@code function} under {@code name}, replacing any earlier one. */
    public ForeignFunctionRegistry register(String name, ForeignFunction function) {
        functions.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(function, "function"));
        return this;
    }

    public Optional<ForeignFunction> find(String name) {
        return Optional.ofNullable(functions.get(name));
    }
}
