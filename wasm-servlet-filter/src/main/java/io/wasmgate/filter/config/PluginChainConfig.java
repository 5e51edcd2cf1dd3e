package io.wasmgate.filter.config;

import io.wasmgate.abi.config.PluginConfig;
import java.util.List;

/**
 * What a {@code ProxyWasmFilter} runs: plugins on every request (request phase in order, response phase
 * in reverse), log plugins (only {@code proxy_on_log}), services (root context only) and clusters.
 * Load one from YAML with {@link YamlConfigLoader#load}, or build it in code.
 */
public record PluginChainConfig(List<PluginConfig> plugins, List<PluginConfig> logPlugins, List<PluginConfig> services,
        List<ClusterConfig> clusters) {
    public PluginChainConfig {
        plugins = List.copyOf(plugins);
        logPlugins = List.copyOf(logPlugins);
        services = List.copyOf(services);
        clusters = List.copyOf(clusters);
    }

    /** Just these plugins, run in order. */
    public static PluginChainConfig of(List<PluginConfig> plugins) {
        return new PluginChainConfig(plugins, List.of(), List.of(), List.of());
    }

    /** A copy with {@code logPlugins} as the log plugins. */
    public PluginChainConfig withLogPlugins(List<PluginConfig> logPlugins) {
        return new PluginChainConfig(plugins, logPlugins, services, clusters);
    }

    /** A copy with {@code services} as the services. */
    public PluginChainConfig withServices(List<PluginConfig> services) {
        return new PluginChainConfig(plugins, logPlugins, services, clusters);
    }
}
