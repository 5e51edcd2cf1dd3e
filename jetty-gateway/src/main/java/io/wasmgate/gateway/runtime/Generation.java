package io.wasmgate.gateway.runtime;

import io.wasmgate.filter.PathParameters;
import io.wasmgate.filter.PluginRelease;
import io.wasmgate.gateway.config.GatewayConfig;
import io.wasmgate.gateway.config.UnderscoreHeaders;
import io.wasmgate.gateway.proxy.Route;
import io.wasmgate.gateway.proxy.RouteTable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * One loaded configuration as it serves: its routes and the started plugins behind them. Requests lease it
 * for their whole life ({@link #acquire}); being current counts as one lease. Once {@link #retire retired}
 * and the last request has released it, it lets go of its plugins and clients (those the next generation
 * shares stay up).
 */
public final class Generation implements RouteTable {
    private final GatewayConfig config;
    private final List<Route> routes;
    private final Map<String, PluginRelease> releases;
    private final Runnable onEnd;
    private final Executor executor;
    private final AtomicInteger leases = new AtomicInteger(1);

    /**
     * @param onEnd lets go of the plugins and clients, once
     * @param executor runs {@code onEnd} when the last request ends, off the request's thread
     */
    Generation(GatewayConfig config, List<Route> routes, Map<String, PluginRelease> releases, Runnable onEnd,
            Executor executor) {
        this.config = config;
        this.routes = List.copyOf(routes);
        this.releases = Collections.unmodifiableMap(new LinkedHashMap<>(releases));
        this.onEnd = onEnd;
        this.executor = executor;
    }

    public GatewayConfig config() {
        return config;
    }

    /** Every started service, plugin and log plugin, by name, in file order. */
    public Map<String, PluginRelease> releases() {
        return releases;
    }

    /** Leases this generation for a request; {@code false} if it has ended (take the current one instead). */
    boolean acquire() {
        while (true) {
            int n = leases.get();
            if (n == 0) {
                return false;
            }
            if (leases.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    @Override
    public PathParameters pathParameters() {
        return config.plugins().pathParameters();
    }

    @Override
    public UnderscoreHeaders underscoreHeaders() {
        return config.underscoreHeaders();
    }

    @Override
    public Route route(String path, Function<String, String> header) {
        for (Route route : routes) {
            if (route.config().match().matches(path, header)) {
                return route;
            }
        }
        return null;
    }

    @Override
    public void release() {
        if (leases.decrementAndGet() == 0) {
            executor.execute(onEnd);
        }
    }

    /** No longer current: ends now if no request is in flight on it (on this thread), else after the last one. */
    void retire() {
        if (leases.decrementAndGet() == 0) {
            onEnd.run();
        }
    }
}
