package io.wasmgate.abi.config;

import io.wasmgate.abi.wire.LogLevel;

/**
 * Where a plugin's {@code proxy_log} lines and WASI stdout/stderr go. The default writes to SLF4J under
 * {@code wasmgate.plugin.<name>}; integrations and tests can capture lines instead.
 */
public interface PluginLog {
    /** The level {@code proxy_get_log_level} reports; lines below it are dropped by the host. */
    LogLevel level();

    /** Emits one line; {@code message} is already prefixed with the plugin's identity. */
    void log(LogLevel level, String message);
}
