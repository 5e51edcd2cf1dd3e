package io.wasmgate.gateway.config;

/** {@code listen.tls} as written: PEM files, relative to the configuration file. */
public record ListenTlsSpec(String certificate, String privateKey) {}
