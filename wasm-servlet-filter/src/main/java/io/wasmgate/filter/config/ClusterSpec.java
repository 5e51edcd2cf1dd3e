package io.wasmgate.filter.config;

/** A callout target ({@code clusters}) as written in YAML. */
public record ClusterSpec(String name, String url, Boolean http2, String connectTimeout, String timeout,
        Integer maxConnections, Integer maxPendingRequests, ClusterTlsSpec tls) {}
