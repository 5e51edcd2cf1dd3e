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
 * @param maxConcurrentRequests how many of its requests may be in flight at once ({@link #UNLIMITED}: any)
 */
public record RouteConfig(String name, RouteMatch match, String cluster, List<String> plugins, List<String> logPlugins,
        int maxConcurrentRequests) {
    /** {@code max_concurrent_requests} when none is given. */
    public static final int UNLIMITED = 0;

    public RouteConfig {
        plugins = List.copyOf(plugins);
        logPlugins = List.copyOf(logPlugins);
    }
}
