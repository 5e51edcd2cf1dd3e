package io.wasmgate.gateway.config;

import io.wasmgate.filter.config.ClusterSpec;
import io.wasmgate.filter.config.PluginSpec;
import java.util.List;

/**
 * The gateway's YAML file as written (CONFIG.md): the filter's lists ({@code plugins}, {@code log_plugins},
 * {@code services}, {@code clusters}, {@code cache_dir}, {@code path_parameters}, {@code shared_queue_limit}) plus {@code headers_with_underscores}, {@code listen}, {@code admin}, {@code watch} and
 * {@code routes}. Absent parts are {@code null}.
 */
public record GatewayFileSpec(List<PluginSpec> plugins, List<PluginSpec> logPlugins, List<PluginSpec> services,
        List<ClusterSpec> clusters, String cacheDir, String pathParameters, String sharedQueueLimit, String headersWithUnderscores, ListenSpec listen, AdminSpec admin, WatchSpec watch,
        List<RouteSpec> routes) {}
