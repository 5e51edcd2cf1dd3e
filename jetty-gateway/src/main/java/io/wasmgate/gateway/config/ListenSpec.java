package io.wasmgate.gateway.config;

/**
 * {@code listen}: where the proxy accepts requests, and how long a stop waits for requests in flight
 * ({@code drain_timeout}, an extension of CONFIG.md; default 10s).
 */
public record ListenSpec(String host, Integer port, String drainTimeout) {}
