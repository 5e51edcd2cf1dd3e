package io.wasmgate.abi.config;

/** How Chicory executes a plugin's code. */
public enum Engine {
    /** Chicory's interpreter: no compile step, slowest calls. */
    INTERPRETER,
    /** Chicory's run-time compiler to JVM bytecode: compiled once per module, shared by every instance. */
    COMPILER
}
