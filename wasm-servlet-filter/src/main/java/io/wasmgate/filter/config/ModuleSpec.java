package io.wasmgate.filter.config;

/** A plugin's {@code module}: exactly one of {@code file}, {@code url}, {@code classpath}, and an optional {@code sha256}. */
public record ModuleSpec(String file, String url, String classpath, String sha256) {}
