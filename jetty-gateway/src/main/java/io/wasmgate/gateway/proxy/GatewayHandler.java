package io.wasmgate.gateway.proxy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The gateway's front: for requests on the proxy connector, leases the current {@link RouteTable}, matches
 * the route (none: 404) and hands the request to the servlet context with the route as the attribute
 * {@link Route#ATTRIBUTE}. When the exchange completes it releases the table and records the request in
 * {@link RequestMetrics}. Requests on other connectors pass by.
 */
public final class GatewayHandler extends Handler.Wrapper {
    private static final ByteBuffer NO_ROUTE = StandardCharsets.US_ASCII.encode("no route for this request\n");
    private static final ByteBuffer NOT_READY = StandardCharsets.US_ASCII.encode("the gateway is starting\n");

    private final Connector connector;
    private final Supplier<RouteTable> tables;
    private final RequestMetrics metrics;

    /** @param tables leases the current table, or returns {@code null} before there is one */
    public GatewayHandler(Connector connector, Supplier<RouteTable> tables, RequestMetrics metrics, Handler servlets) {
        super(servlets);
        this.connector = connector;
        this.tables = tables;
        this.metrics = metrics;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (request.getConnectionMetaData().getConnector() != connector) {
            return false;
        }
        long start = System.nanoTime();
        RouteTable table = tables.get();
        if (table == null) {
            reply(response, HttpStatus.SERVICE_UNAVAILABLE_503, NOT_READY, callback);
            return true;
        }
        Route route = table.route(request.getHttpURI().getDecodedPath(), request.getHeaders()::get);
        if (route == null) {
            table.release();
            metrics.record(RequestMetrics.NO_ROUTE, HttpStatus.NOT_FOUND_404, System.nanoTime() - start);
            reply(response, HttpStatus.NOT_FOUND_404, NO_ROUTE, callback);
            return true;
        }
        request.setAttribute(Route.ATTRIBUTE, route);
        Callback done = new Callback.Nested(callback) {
            @Override
            public void succeeded() {
                ended();
                super.succeeded();
            }

            @Override
            public void failed(Throwable failure) {
                ended();
                super.failed(failure);
            }

            private void ended() {
                table.release();
                metrics.record(route.config().name(), response.getStatus(), System.nanoTime() - start);
            }
        };
        if (!super.handle(request, response, done)) {
            table.release();
            return false;
        }
        return true;
    }

    private static void reply(Response response, int status, ByteBuffer body, Callback callback) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.write(true, body.slice(), callback);
    }
}
