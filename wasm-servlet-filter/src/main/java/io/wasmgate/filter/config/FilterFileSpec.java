package io.wasmgate.filter.config;

import java.util.List;

/**
 * The servlet filter's own YAML file as written (docs/configuration.md): plugins run on every request, log plugins,
 * services, callout clusters, the compiled-code cache directory ({@code cache_dir}), what becomes of a path's
 * {@code ;} parameters ({@code path_parameters}) and the size of shared queues ({@code shared_queue_limit}).
 * Absent parts are {@code null}.
 */
public record FilterFileSpec(List<PluginSpec> plugins, List<PluginSpec> logPlugins, List<PluginSpec> services,
        List<ClusterSpec> clusters, String cacheDir, String pathParameters, String sharedQueueLimit) {}
