package io.wasmgate.abi.wire;

import java.util.Optional;

/** {@code proxy_log_level_t}; {@link #OFF} (6) is only ever returned by {@code proxy_get_log_level}. */
public enum LogLevel {
    TRACE,
    DEBUG,
    INFO,
    WARN,
    ERROR,
    CRITICAL,
    OFF;

    private static final AbiEnum<LogLevel> CODES = new AbiEnum<>(values());

    /** The level a guest may log at ({@code 0..5}), or empty for anything else, including {@code OFF}. */
    public static Optional<LogLevel> ofGuest(int code) {
        return code == OFF.ordinal() ? Optional.empty() : CODES.of(code);
    }
}
