package io.wasmgate.filter.config;

import java.net.URI;
import java.time.Duration;

/**
 * A validated callout target: where {@code proxy_http_call} and gRPC calls naming {@code name} go.
 *
 * @param name the name plugins use
 * @param url the {@code http} or {@code https} base URL
 * @param http2 {@code true} for HTTP/2 (h2c on plain http)
 * @param connectTimeout how long a connection may take
 * @param timeout how long a call may take unless the plugin says less
 * @param maxConnections connections kept to the target
 */
public record ClusterConfig(String name, URI url, boolean http2, Duration connectTimeout, Duration timeout,
        int maxConnections) {}
