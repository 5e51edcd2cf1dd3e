package io.wasmgate.filter.testing;

import io.wasmgate.abi.config.ModuleSource;

/** The built policies of {@code sample-policies}, by name. */
public final class Policies {
    private Policies() {}

    /** {@code sample-policies/policies/<name>}, compiled. */
    public static ModuleSource policy(String name) {
        return ModuleSource.ofClasspath("wasmgate/policies/" + name + ".wasm");
    }
}
