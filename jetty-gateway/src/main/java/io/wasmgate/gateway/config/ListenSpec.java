package io.wasmgate.gateway.config;

/**
 * {@code listen}: where the proxy accepts requests, how long a stop waits for requests in flight
 * ({@code drain_timeout}, an extension of CONFIG.md; default 10s), with {@code tls} the certificate it
 * serves HTTPS with (an extension), and the extensions that keep slow clients from starving others:
 * {@code max_threads}, {@code virtual_threads}, {@code request_body_timeout} and
 * {@code min_request_data_rate} (see {@link ClientLimits}).
 */
public record ListenSpec(String host, Integer port, String drainTimeout, ListenTlsSpec tls, Integer maxThreads,
        Boolean virtualThreads, String requestBodyTimeout, Long minRequestDataRate) {}
