package io.wasmgate.gateway.proxy;

import io.wasmgate.filter.PathNormalizer;
import io.wasmgate.gateway.config.ClientLimits;
import io.wasmgate.gateway.config.UnderscoreHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The gateway's front: for requests on the proxy connector, refuses with 400 a method with lower-case
 * letters (the upstream client would send it upper-cased), a path {@link PathNormalizer} refuses and a query
 * with a malformed percent-escape ({@link PathNormalizer#validQuery}); leases the current {@link RouteTable},
 * applies its {@code path_parameters} setting ({@link io.wasmgate.filter.PathParameters}: by default the
 * {@code ;} parameters are stripped, as servlet containers map a path; refused ones are 400 too) and its
 * {@code headers_with_underscores} setting ({@link UnderscoreHeaders}: refused with 400, or the headers
 * dropped, if not allowed), matches the
 * route on the normalised path and the end-to-end headers (those the plugins will see, a
 * repeated one by all its values: {@link #allValues}; none: 404), takes a place within the route's
 * {@code max_concurrent_requests} ({@link RouteConcurrency}; none left: 503 at once), and hands the request,
 * its target now the normalised path with the query as sent and its body under a {@link BodyDeadline}, to
 * the servlet context with the route as the attribute {@link Route#ATTRIBUTE}: routing, plugins and upstream
 * see one path. The place is given back as the response's last write begins, or when the exchange ends
 * without one; when the exchange ends it releases the table and records the request in
 * {@link RequestMetrics}. Requests on other connectors pass by.
 */
public final class GatewayHandler extends Handler.Wrapper {
    private static final ByteBuffer NO_ROUTE = StandardCharsets.US_ASCII.encode("no route for this request\n");
    private static final ByteBuffer NOT_READY = StandardCharsets.US_ASCII.encode("the gateway is starting\n");
    private static final ByteBuffer ROUTE_FULL = StandardCharsets.US_ASCII.encode(RouteConcurrency.DETAILS + "\n");

    private final Connector connector;
    private final Supplier<RouteTable> tables;
    private final RequestMetrics metrics;
    private final RouteConcurrency concurrency;
    private final ClientLimits limits;

    /** @param tables leases the current table, or returns {@code null} before there is one */
    public GatewayHandler(Connector connector, Supplier<RouteTable> tables, RequestMetrics metrics,
            RouteConcurrency concurrency, ClientLimits limits, Handler servlets) {
        super(servlets);
        this.connector = connector;
        this.tables = tables;
        this.metrics = metrics;
        this.concurrency = concurrency;
        this.limits = limits;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (request.getConnectionMetaData().getConnector() != connector) {
            return false;
        }
        long start = System.nanoTime();
        if (hasLowerCase(request.getMethod())) {
            refuse(response, "the method is not upper case", start, callback);
            return true;
        }
        HttpURI uri = request.getHttpURI();
        String path;
        try {
            path = PathNormalizer.normalize(uri.getPath());
        } catch (IllegalArgumentException e) {
            refuse(response, "bad request path: " + e.getMessage(), start, callback);
            return true;
        }
        if (!PathNormalizer.validQuery(uri.getQuery())) {
            refuse(response, "bad request query: a malformed percent-escape", start, callback);
            return true;
        }
        RouteTable table = tables.get();
        if (table == null) {
            reply(response, HttpStatus.SERVICE_UNAVAILABLE_503, NOT_READY, callback);
            return true;
        }
        try {
            path = table.pathParameters().apply(path);
        } catch (IllegalArgumentException e) {
            table.release();
            refuse(response, "bad request path: " + e.getMessage(), start, callback);
            return true;
        }
        Request client = request;
        UnderscoreHeaders underscores = table.underscoreHeaders();
        if (underscores != UnderscoreHeaders.ALLOW && hasUnderscoreName(request.getHeaders())) {
            if (underscores == UnderscoreHeaders.REJECT) {
                table.release();
                refuse(response, "bad request header: a name with an underscore", start, callback);
                return true;
            }
            client = withoutUnderscoreNames(request);
        }
        HttpFields headers = client.getHeaders();
        Set<String> hopByHop = ClientRequest.hopByHop(headers.getValuesList(HttpHeader.CONNECTION));
        Route route = table.route(PathNormalizer.decode(path),
                name -> hopByHop.contains(name) ? null : allValues(headers, name));
        if (route == null) {
            table.release();
            metrics.record(RequestMetrics.NO_ROUTE, HttpStatus.NOT_FOUND_404, System.nanoTime() - start);
            reply(response, HttpStatus.NOT_FOUND_404, NO_ROUTE, callback);
            return true;
        }
        RouteConcurrency.Permit permit = concurrency.tryAcquire(route.config());
        if (permit == null) {
            table.release();
            metrics.record(route.config().name(), HttpStatus.SERVICE_UNAVAILABLE_503, System.nanoTime() - start);
            reply(response, HttpStatus.SERVICE_UNAVAILABLE_503, ROUTE_FULL, callback);
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
                permit.release();
                table.release();
                metrics.record(route.config().name(), response.getStatus(), System.nanoTime() - start);
            }
        };
        Request routed = withBodyDeadline(path.equals(uri.getPath()) ? client : withPath(client, path));
        boolean handled;
        try {
            handled = super.handle(routed, placeGivenBackAtLastWrite(routed, response, permit), done);
        } catch (Throwable failure) {
            // Jetty then fails its own callback, not ours: the place would stay taken.
            permit.release();
            throw failure;
        }
        if (!handled) {
            permit.release();
            table.release();
        }
        return handled;
    }

    /**
     * {@code response}, giving back the route place as its last write begins: the exchange ends only after
     * the client may have read that write, and a client retrying at once must find the place free, as
     * Envoy's circuit breakers free a request's when its upstream stream ends. The exchange's end gives it
     * back if no last write comes (a failure).
     */
    private static Response placeGivenBackAtLastWrite(Request request, Response response, RouteConcurrency.Permit permit) {
        if (permit == RouteConcurrency.Permit.NONE) {
            return response;
        }
        return new Response.Wrapper(request, response) {
            @Override
            public void write(boolean last, ByteBuffer content, Callback callback) {
                if (last) {
                    permit.release();
                }
                super.write(last, content, callback);
            }
        };
    }

    /** {@code request} under the body deadline of {@code listen}, if it has a body and the deadline is on. */
    private Request withBodyDeadline(Request request) {
        if (request.getLength() == 0 || limits.requestBodyTimeout().isZero()) {
            return request;
        }
        return new BodyDeadline(request, limits.requestBodyTimeout(), limits.minRequestDataRate());
    }

    /**
     * Every value of header {@code name} in the order sent, joined with {@code ","} ({@code "; "} for
     * cookies), as Envoy matches a repeated header since CVE-2020-25017: matching the first value alone
     * would route {@code x-canary: 1} followed by {@code x-canary: 2} as if only the first were sent,
     * while the upstream gets both. {@code null} if absent.
     */
    private static String allValues(HttpFields headers, String name) {
        String first = null;
        StringBuilder joined = null;
        for (HttpField field : headers) {
            if (!field.is(name)) {
                continue;
            }
            if (first == null) {
                first = field.getValue();
            } else {
                if (joined == null) {
                    joined = new StringBuilder(first);
                }
                joined.append(field.getHeader() == HttpHeader.COOKIE ? "; " : ",").append(field.getValue());
            }
        }
        return joined != null ? joined.toString() : first;
    }

    private static boolean hasUnderscoreName(HttpFields headers) {
        for (HttpField field : headers) {
            if (field.getName().indexOf('_') >= 0) {
                return true;
            }
        }
        return false;
    }

    /** {@code request} without its headers whose names have an underscore, for routing, plugins and upstream. */
    private static Request withoutUnderscoreNames(Request request) {
        HttpFields.Mutable kept = HttpFields.build(request.getHeaders().size());
        for (HttpField field : request.getHeaders()) {
            if (field.getName().indexOf('_') < 0) {
                kept.add(field);
            }
        }
        HttpFields headers = kept.asImmutable();
        return new Request.Wrapper(request) {
            @Override
            public HttpFields getHeaders() {
                return headers;
            }
        };
    }

    private static boolean hasLowerCase(String method) {
        return method.chars().anyMatch(c -> c >= 'a' && c <= 'z');
    }

    /** The request with {@code path} as its target's path, the rest of the target as sent. */
    private static Request withPath(Request request, String path) {
        HttpURI uri = HttpURI.build(request.getHttpURI()).path(path).asImmutable();
        return new Request.Wrapper(request) {
            @Override
            public HttpURI getHttpURI() {
                return uri;
            }
        };
    }

    private void refuse(Response response, String reason, long start, Callback callback) {
        metrics.record(RequestMetrics.NO_ROUTE, HttpStatus.BAD_REQUEST_400, System.nanoTime() - start);
        reply(response, HttpStatus.BAD_REQUEST_400, StandardCharsets.US_ASCII.encode(reason + "\n"), callback);
    }

    private static void reply(Response response, int status, ByteBuffer body, Callback callback) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.write(true, body.slice(), callback);
    }
}
