package io.wasmgate.gateway.config;

/**
 * A host and port to listen on; port 0 picks a free one.
 *
 * @param host an address or host name, e.g. {@code 0.0.0.0} or {@code 127.0.0.1}
 * @param port 0 to 65535
 */
public record Endpoint(String host, int port) {}
