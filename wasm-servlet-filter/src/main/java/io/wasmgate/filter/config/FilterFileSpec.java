package io.wasmgate.filter.config;

import java.util.List;

/**
 * The servlet filter's own YAML file as written (docs/configuration.md): plugins run on every request, log plugins,
 * services, callout clusters and the compiled-code cache directory ({@code cache_dir}). Absent parts are {@code null}.
 */
public record FilterFileSpec(List<PluginSpec> plugins, List<PluginSpec> logPlugins, List<PluginSpec> services,
        List<ClusterSpec> clusters, String cacheDir) {}
