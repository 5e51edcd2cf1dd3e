package io.wasmgate.abi.plugin;

import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.wire.AbiVersion;

/** A plugin's loaded module as {@link Plugin#code()} describes it: where it came from, its checksum and ABI. */
public interface LoadedModule {
    /** Where the bytes came from, as {@link io.wasmgate.abi.config.ModuleSource#origin()} names it. */
    String origin();

    /** Lower-case hex SHA-256 of the module bytes. */
    String sha256();

    /** The proxy-wasm ABI version the module declares. */
    AbiVersion abiVersion();

    /** How Chicory runs the module. */
    Engine engine();

    /** {@code true} if the module exports a function with this name. */
    boolean exports(String name);

    /** Whether the compiled code came from the code cache on disk rather than the compiler. */
    boolean codeFromCache();
}
