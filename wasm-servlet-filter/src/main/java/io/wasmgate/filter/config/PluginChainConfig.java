package io.wasmgate.filter.config;

import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.abi.services.SharedQueueRegistry;
import io.wasmgate.filter.PathParameters;
import io.wasmgate.filter.callout.Cluster;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@code ProxyWasmFilter} runs: plugins on every request (request phase in order, response phase
 * in reverse), log plugins (only {@code proxy_on_log}), services (root context only), the canary versions
 * of plugins and log plugins (by plugin name) and the clusters {@code proxy_http_call} and gRPC calls
 * reach, what becomes of a request path's {@code ;} parameters before the plugins see it, and the most
 * each shared queue holds. Load one from YAML with {@link YamlConfigLoader#load}, or build it in code.
 */
public record PluginChainConfig(List<PluginConfig> plugins, List<PluginConfig> logPlugins, List<PluginConfig> services,
        List<Cluster> clusters, Map<String, Canary> canaries, PathParameters pathParameters, long sharedQueueMaxBytes) {
    public PluginChainConfig {
        plugins = List.copyOf(plugins);
        logPlugins = List.copyOf(logPlugins);
        services = List.copyOf(services);
        clusters = List.copyOf(clusters);
        canaries = Map.copyOf(canaries);
        Objects.requireNonNull(pathParameters, "pathParameters");
        SharedQueueRegistry.checkedMaxBytes(sharedQueueMaxBytes);
    }

    /** Path parameters stripped ({@link PathParameters#STRIP}), shared queues of the default size: the defaults. */
    public PluginChainConfig(List<PluginConfig> plugins, List<PluginConfig> logPlugins, List<PluginConfig> services,
            List<Cluster> clusters, Map<String, Canary> canaries) {
        this(plugins, logPlugins, services, clusters, canaries, PathParameters.STRIP, SharedQueueRegistry.DEFAULT_MAX_BYTES);
    }

    /** Without canaries, the defaults otherwise. */
    public PluginChainConfig(List<PluginConfig> plugins, List<PluginConfig> logPlugins, List<PluginConfig> services,
            List<Cluster> clusters) {
        this(plugins, logPlugins, services, clusters, Map.of());
    }

    /** Just these plugins, run in order. */
    public static PluginChainConfig of(List<PluginConfig> plugins) {
        return new PluginChainConfig(plugins, List.of(), List.of(), List.of());
    }

    /** A copy with {@code logPlugins} as the log plugins. */
    public PluginChainConfig withLogPlugins(List<PluginConfig> logPlugins) {
        return new PluginChainConfig(plugins, logPlugins, services, clusters, canaries, pathParameters, sharedQueueMaxBytes);
    }

    /** A copy with {@code services} as the services. */
    public PluginChainConfig withServices(List<PluginConfig> services) {
        return new PluginChainConfig(plugins, logPlugins, services, clusters, canaries, pathParameters, sharedQueueMaxBytes);
    }

    /** A copy with {@code clusters} as the callout targets. */
    public PluginChainConfig withClusters(List<Cluster> clusters) {
        return new PluginChainConfig(plugins, logPlugins, services, clusters, canaries, pathParameters, sharedQueueMaxBytes);
    }

    /** A copy with {@code pathParameters} as what becomes of a path's {@code ;} parameters. */
    public PluginChainConfig withPathParameters(PathParameters pathParameters) {
        return new PluginChainConfig(plugins, logPlugins, services, clusters, canaries, pathParameters, sharedQueueMaxBytes);
    }

    /** A copy whose shared queues hold at most {@code sharedQueueMaxBytes} each ({@code shared_queue_limit}). */
    public PluginChainConfig withSharedQueueMaxBytes(long sharedQueueMaxBytes) {
        return new PluginChainConfig(plugins, logPlugins, services, clusters, canaries, pathParameters, sharedQueueMaxBytes);
    }
}
