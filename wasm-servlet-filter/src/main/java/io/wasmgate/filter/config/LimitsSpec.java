package io.wasmgate.filter.config;

/** A plugin's {@code limits} as written: sizes like {@code 64MiB}, durations like {@code 100ms}. */
public record LimitsSpec(String memory, String callbackDeadline, String pauseDeadline, String maxBufferedBody) {}
