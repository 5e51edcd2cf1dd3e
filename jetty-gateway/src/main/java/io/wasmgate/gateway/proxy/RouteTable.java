package io.wasmgate.gateway.proxy;

import io.wasmgate.filter.PathParameters;
import io.wasmgate.gateway.config.UnderscoreHeaders;
import java.util.function.Function;

/**
 * The routes a request is served with, leased for the request's whole life: the gateway swaps tables on
 * reload, and a table's plugins and clients stop only after its last request {@link #release released} it.
 */
public interface RouteTable {
    /** What becomes of a request path's {@code ;} parameters before routing and the plugins. */
    PathParameters pathParameters();

    /** What becomes of request headers with an underscore in their name before routing and the plugins. */
    UnderscoreHeaders underscoreHeaders();

    /**
     * The first route matching {@code path} (decoded, without query) and the headers {@code header} looks up
     * by lower-case name; {@code null} if none matches.
     */
    Route route(String path, Function<String, String> header);

    /** The request that leased this table has ended. */
    void release();
}
