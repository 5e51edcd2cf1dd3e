package io.wasmgate.abi.testing;

import io.wasmgate.abi.config.ModuleSource;

/** The built policies and WAT fixtures of {@code sample-policies}, by name. */
public final class Modules {
    private Modules() {}

    /** {@code sample-policies/fixtures/<name>.wat}, compiled. */
    public static ModuleSource fixture(String name) {
        return ModuleSource.ofClasspath("wasmgate/fixtures/" + name + ".wasm");
    }

    /** {@code sample-policies/policies/<name>}, compiled. */
    public static ModuleSource policy(String name) {
        return ModuleSource.ofClasspath("wasmgate/policies/" + name + ".wasm");
    }
}
