package io.wasmgate.bench;

import org.openjdk.jmh.annotations.Fork;

/**
 * {@link SdkModuleBenchmark} with HotSpot allowed to JIT-compile methods over 8000 bytecodes
 * ({@code -XX:-DontCompileHugeMethods}): Chicory's compiler turns large guest functions (the Go runtime
 * has many) into huge JVM methods, which HotSpot by default leaves to its interpreter. Same module,
 * same request; the ratio to {@link SdkModuleBenchmark} is printed after a run that selects both.
 */
@Fork(value = 2, jvmArgs = {"-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-XX:-DontCompileHugeMethods"})
public class SdkModuleHugeMethodsBenchmark extends SdkModuleBenchmark {}
