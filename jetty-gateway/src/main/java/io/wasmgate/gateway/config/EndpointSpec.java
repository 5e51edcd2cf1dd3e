package io.wasmgate.gateway.config;

/** {@code admin}: the host and port of the admin endpoints. */
public record EndpointSpec(String host, Integer port) {}
