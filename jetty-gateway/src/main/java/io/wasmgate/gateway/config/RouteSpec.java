package io.wasmgate.gateway.config;

import java.util.List;

/**
 * One entry of {@code routes} as written: what it matches, the cluster it proxies to, the plugins and log
 * plugins (by name) it runs, and the extensions of CONFIG.md: an optional {@code name} for metrics and logs,
 * and {@code max_concurrent_requests}.
 */
public record RouteSpec(String name, MatchSpec match, String cluster, List<String> plugins, List<String> logPlugins,
        Integer maxConcurrentRequests) {}
