package io.wasmgate.abi.services;

/**
 * A host extension a plugin calls by name with {@code proxy_call_foreign_function}: opaque argument bytes
 * in, result bytes out. Throw {@link ForeignFunctionException} to return a specific status.
 */
@FunctionalInterface
public interface ForeignFunction {
    byte[] call(byte[] arguments);
}
