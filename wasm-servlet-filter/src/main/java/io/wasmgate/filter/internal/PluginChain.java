package io.wasmgate.filter.internal;

import io.wasmgate.filter.PathParameters;
import io.wasmgate.filter.PluginLineup;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Runs requests through one {@link PluginLineup}: {@link #handle} starts a request's run (each plugin
 * picking the version the new stream runs), or continues it on an async dispatch. Not API:
 * {@code ProxyWasmFilter} is.
 */
public final class PluginChain {
    private final PluginLineup lineup;
    private final PathParameters pathParameters;
    /** The request attribute holding this chain's run: each filter in front of a request keeps its own. */
    private final String attribute = FilterChainRun.class.getName() + "@" + Integer.toHexString(System.identityHashCode(this));

    public PluginChain(PluginLineup lineup, PathParameters pathParameters) {
        this.lineup = lineup;
        this.pathParameters = pathParameters;
    }

    /**
     * Runs a request dispatch through the plugins (refused with 400 if its path cannot be shown to them as
     * the application gets it: {@link RequestPath}), or continues the request's run on an async dispatch or
     * on the error dispatch of an error the application sent. Other dispatches (forward, include) of a
     * request already running pass straight through.
     */
    public void handle(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        FilterChainRun run = (FilterChainRun) request.getAttribute(attribute);
        if (run == null && request.getDispatcherType() == DispatcherType.REQUEST) {
            String path;
            try {
                path = RequestPath.of(request, pathParameters);
            } catch (IllegalArgumentException refused) {
                RequestPath.refuse(response, refused.getMessage());
                return;
            }
            new FilterChainRun(request, response, lineup, path).start(attribute, chain);
        } else if (run != null && request.getDispatcherType() == DispatcherType.ASYNC) {
            run.dispatched(request, response, chain);
        } else if (run != null && request.getDispatcherType() == DispatcherType.ERROR) {
            run.errorDispatched(request, response, chain);
        } else {
            chain.doFilter(request, response);
        }
    }
}
