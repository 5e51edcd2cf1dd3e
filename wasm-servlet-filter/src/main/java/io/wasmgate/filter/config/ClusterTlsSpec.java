package io.wasmgate.filter.config;

/** A cluster's {@code tls} as written in YAML: {@code ca_file}, {@code verify}, {@code server_name}. */
public record ClusterTlsSpec(String caFile, Boolean verify, String serverName) {}
