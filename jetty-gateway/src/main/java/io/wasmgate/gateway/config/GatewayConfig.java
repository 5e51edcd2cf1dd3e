package io.wasmgate.gateway.config;

import io.wasmgate.filter.callout.Cluster;
import io.wasmgate.filter.config.PluginChainConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A validated gateway configuration: where to listen, the admin endpoint, every plugin, log plugin, service,
 * canary and cluster ({@link PluginChainConfig}, as the servlet filter has them) and the routes that use
 * them. Load one with {@link GatewayConfigLoader#load}.
 *
 * @param file the file it was read from, or {@code null} for a configuration built in code
 * @param listen where the proxy listens
 * @param drainTimeout how long a stop waits for requests in flight
 * @param admin where the admin endpoints listen and how they guard themselves
 * @param plugins the plugin definitions; routes pick theirs by name
 * @param routes the routes, first match wins
 * @param watchedFiles the files whose change triggers a reload: the configuration file, every module file and
 *     the listener's certificate and key
 * @param watchSettle how long the watched files must stay unchanged before the watcher reloads
 * @param listenTls the proxy's certificate and key ({@code listen.tls}), or {@code null}: HTTP/1.1 and h2c in clear
 * @param clientLimits the proxy's threads and how long request bodies may take
 * @param underscoreHeaders what becomes of request headers with an underscore in their name
 */
public record GatewayConfig(Path file, Endpoint listen, Duration drainTimeout, AdminConfig admin, PluginChainConfig plugins,
        List<RouteConfig> routes, Set<Path> watchedFiles, Duration watchSettle, ListenerTls listenTls, ClientLimits clientLimits,
        UnderscoreHeaders underscoreHeaders) {
    public GatewayConfig {
        routes = List.copyOf(routes);
        watchedFiles = Set.copyOf(watchedFiles);
    }

    /** The cluster named {@code name}. */
    public Optional<Cluster> cluster(String name) {
        return plugins.clusters().stream().filter(c -> c.name().equals(name)).findFirst();
    }
}
