package io.wasmgate.gateway.config;

/**
 * {@code listen}: where the proxy accepts requests, how long a stop waits for requests in flight
 * ({@code drain_timeout}, an extension of CONFIG.md; default 10s) and, with {@code tls}, the certificate
 * it serves HTTPS with (an extension).
 */
public record ListenSpec(String host, Integer port, String drainTimeout, ListenTlsSpec tls) {}
