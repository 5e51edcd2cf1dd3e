package io.wasmgate.gateway.config;

import java.util.List;

/**
 * {@code admin} as written: where the admin endpoints listen and how they guard themselves (extensions of
 * CONFIG.md: {@code expose_configuration}, {@code token_file}, {@code allowed_hosts}).
 */
public record AdminSpec(String host, Integer port, Boolean exposeConfiguration, String tokenFile, List<String> allowedHosts) {}
