package io.wasmgate.gateway.config;

import java.util.List;

/**
 * A validated route.
 *
 * @param name the route's name: as configured, or {@code routes[<index>]}
 * @param match what requests it takes
 * @param cluster the cluster it proxies to
 * @param plugins the names of the plugins it runs, in request order
 * @param logPlugins the names of its log plugins
 */
public record RouteConfig(String name, RouteMatch match, String cluster, List<String> plugins, List<String> logPlugins) {
    public RouteConfig {
        plugins = List.copyOf(plugins);
        logPlugins = List.copyOf(logPlugins);
    }
}
