package io.wasmgate.gateway.config;

import java.util.List;

/**
 * One entry of {@code routes} as written: what it matches, the cluster it proxies to, the plugins and log
 * plugins (by name) it runs, and an optional {@code name} (an extension of CONFIG.md) for metrics and logs.
 */
public record RouteSpec(String name, MatchSpec match, String cluster, List<String> plugins, List<String> logPlugins) {}
