package io.wasmgate.gateway.proxy;

import io.wasmgate.filter.ProxyWasmFilter;
import io.wasmgate.gateway.config.RouteConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * A route as it serves: its configuration, the filter running its plugins (none without plugins) and the
 * proxy to its cluster behind them.
 */
public final class Route {
    /** The request attribute holding the route a request matched. */
    public static final String ATTRIBUTE = Route.class.getName();

    private final RouteConfig config;
    private final ProxyWasmFilter plugins;
    private final UpstreamProxy upstream;

    /** @param plugins the filter running the route's plugins, or {@code null} if it has none */
    public Route(RouteConfig config, ProxyWasmFilter plugins, UpstreamProxy upstream) {
        this.config = config;
        this.plugins = plugins;
        this.upstream = upstream;
    }

    public RouteConfig config() {
        return config;
    }

    /**
     * Runs a dispatch of the request, as a {@link ClientRequest}: through the plugins, then the proxy
     * (plugins resume on async dispatches, with the request of the first).
     */
    void handle(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
        ClientRequest client = new ClientRequest(request);
        if (plugins == null) {
            upstream.service(client, response);
        } else {
            plugins.doFilter(client, response, upstream::service);
        }
    }
}
