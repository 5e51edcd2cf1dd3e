package io.wasmgate.gateway.config;

/**
 * {@code watch} (an extension of CONFIG.md): how long the configuration file must stay unchanged before the
 * watcher loads it ({@code settle}, default 1s).
 */
public record WatchSpec(String settle) {}
