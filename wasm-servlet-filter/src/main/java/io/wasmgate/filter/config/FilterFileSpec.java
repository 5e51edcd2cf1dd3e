package io.wasmgate.filter.config;

import java.util.List;

/**
 * The servlet filter's own YAML file as written (docs/configuration.md): plugins run on every request, log plugins,
 * services and callout clusters. Lists may be {@code null} when absent.
 */
public record FilterFileSpec(List<PluginSpec> plugins, List<PluginSpec> logPlugins, List<PluginSpec> services,
        List<ClusterSpec> clusters) {}
