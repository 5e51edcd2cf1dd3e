package io.wasmgate.gateway.proxy;

import io.micrometer.core.instrument.MeterRegistry;
import io.wasmgate.filter.HeaderFieldSource;
import io.wasmgate.filter.ProxyWasmFilter;
import io.wasmgate.filter.RequestAuthority;
import io.wasmgate.filter.callout.Cluster;
import io.wasmgate.filter.callout.ClusterTls;
import io.wasmgate.filter.callout.TlsFailureLog;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.HttpClientTransport;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.ee10.proxy.ProxyServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's {@link ProxyServlet} for one cluster: its own {@link HttpClient} (HTTP/1.1, or h2c with
 * {@code http2: true}) with the cluster's connect timeout, total timeout (over it: 504), connection limit
 * and queue limit, on the server's threads. Requests beyond {@code max_connections} (for h2c: beyond the
 * streams those connections carry) wait in the cluster's queue of at most {@code max_pending_requests};
 * one more, or one still without a connection after {@code connect_timeout}, is answered 503 saying why
 * ({@link #onProxyResponseFailure}). Jetty removes hop-by-hop headers both ways (this class also those the
 * upstream's {@code Connection} lists; the client's are gone before the plugins, so no header a plugin set
 * is removed here, except {@code Expect}: the upstream is never asked to continue) and maps a refused or
 * failed upstream to 502; a client body that cannot be parsed is a 400, one that came too slowly a 408
 * ({@link BodyDeadline}); the forwarding headers come with the client request the plugins saw
 * ({@link ClientRequest}); this class keeps the client's {@code Host} on HTTP/1.1 clusters (as a plugin may
 * have rewritten it, like Envoy without host rewrite; h2c clusters get the cluster's authority, the
 * client's in {@code X-Forwarded-Host}) and flushes every chunk of the upstream's response, so streamed
 * responses stream.
 *
 * <p>Not mapped in the servlet context: the gateway's route servlet calls {@link #service} behind the
 * route's plugins. {@link #close} stops the client.
 */
public final class UpstreamProxy extends ProxyServlet implements AutoCloseable {
    private static final long serialVersionUID = 1L;
    /** The {@code response.code_details} of a request that got no connection within {@code connect_timeout}. */
    static final String CONNECT_TIMEOUT_DETAILS = "upstream_connect_timeout";

    private final transient Cluster cluster;
    private final transient Executor executor;
    private final transient PendingOverflow overflow;
    /** The cluster's {@code scheme://authority}, which every rewritten target starts with. */
    private final String origin;
    /** The cluster URL's path without a trailing slash, which the client's path is appended to. */
    private final String basePath;

    private UpstreamProxy(Cluster cluster, Executor executor, MeterRegistry registry) {
        this.cluster = cluster;
        this.executor = executor;
        this.overflow = new PendingOverflow(cluster, registry);
        URI url = cluster.url();
        this.origin = url.getScheme() + "://" + url.getRawAuthority();
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /**
     * A started proxy to {@code cluster}, its client running on {@code executor}, its meters in {@code registry}.
     *
     * @throws IllegalStateException if the client does not start
     */
    public static UpstreamProxy start(Cluster cluster, ServletContext context, Executor executor, MeterRegistry registry) {
        UpstreamProxy proxy = new UpstreamProxy(cluster, executor, registry);
        try {
            proxy.init(new Config(cluster.name(), context, initParameters(cluster)));
        } catch (ServletException e) {
            throw new IllegalStateException("cluster '" + cluster.name() + "': the proxy client did not start: " + e.getMessage(), e);
        }
        proxy.setTimeout(cluster.timeout().toMillis());
        return proxy;
    }

    /**
     * What Jetty's proxy reads at {@code init}: the client's {@code Host} kept on HTTP/1.1 clusters (like
     * Envoy without host rewrite); h2c clusters get the cluster's authority.
     */
    private static Map<String, String> initParameters(Cluster cluster) {
        return Map.of("preserveHost", Boolean.toString(!cluster.http2()));
    }

    @Override
    protected HttpClient createHttpClient() throws ServletException {
        ClientConnector connector = new ClientConnector();
        connector.setConnectTimeout(cluster.connectTimeout());
        connector.setExecutor(executor);
        connector.setSelectors(1);
        connector.setSslContextFactory(ClusterTls.clientContext(cluster));
        HttpClientTransport transport = cluster.http2()
                ? new HttpClientTransportOverHTTP2(new HTTP2Client(connector))
                : new HttpClientTransportOverHTTP(connector);
        HttpClient client = new HttpClient(transport);
        client.setName("wasmgate-upstream-" + cluster.name());
        client.addBean(TlsFailureLog.of(cluster));
        client.setExecutor(executor);
        client.setMaxConnectionsPerDestination(cluster.maxConnections());
        // One destination per cluster: its queue is the cluster's. Jetty fails a request over it at once.
        client.setMaxRequestsQueuedPerDestination(cluster.maxPendingRequests());
        client.getRequestListeners().addListener(new ConnectionWait(client, cluster.connectTimeout()));
        // A proxy passes what the client and the upstream said: no redirects followed, no cookies kept,
        // no User-Agent or Content-Type added (see proxyRequestContent), no body decoded.
        client.setFollowRedirects(false);
        client.setHttpCookieStore(new HttpCookieStore.Empty());
        client.setUserAgentField(null);
        client.setDefaultRequestContentType(null);
        client.getContentDecoderFactories().clear();
        try {
            client.start();
        } catch (Exception e) {
            throw new ServletException(e);
        }
        return client;
    }

    @Override
    protected String rewriteTarget(HttpServletRequest clientRequest) {
        String query = clientRequest.getQueryString();
        return origin + basePath + clientRequest.getRequestURI() + (query == null ? "" : "?" + query);
    }

    /**
     * The upstream request, its target on the request line as the client sent it. Jetty's proxy parses the
     * target as a {@code java.net.URI}, which refuses what a query may carry as browsers send it ({@code { } | ^
     * ` \ < >}, a {@code %} without two hex digits): such a request failed with 500 after the plugins had
     * passed it. Jetty's client keeps a target it cannot parse as it is.
     */
    @Override
    protected Request newProxyRequest(HttpServletRequest clientRequest, String rewrittenTarget) {
        return getHttpClient().newRequest(cluster.url())
                .path(rewrittenTarget.substring(origin.length()))
                .method(clientRequest.getMethod())
                .attribute(CLIENT_REQUEST_ATTRIBUTE, clientRequest);
    }

    /**
     * The client's hop-by-hop headers were removed before the plugins ({@link ClientRequest}): a
     * {@code Connection} seen here is a plugin's, and what it names the plugins set for the upstream.
     */
    @Override
    protected Set<String> findConnectionHeaders(HttpServletRequest clientRequest) {
        return null;
    }

    /** The gateway answered {@code Expect} itself: the upstream is never asked for {@code 100 Continue}. */
    @Override
    protected boolean expects100Continue(HttpServletRequest request) {
        return false;
    }

    /**
     * The request's headers in one pass, in the order they reach the proxy: as the plugins left them (the
     * filter's request, a {@link HeaderFieldSource}) or, without plugins, as the client sent them, with its
     * spelling of the names ({@link ClientRequest#forEachField}). Jetty's own copy, which any other request
     * gets, goes name by name: it scans the fields once per name and groups a repeated header where it first
     * appeared. Jetty's rules either way: no hop-by-hop header, {@code Host} included on HTTP/1.1 clusters
     * (the {@code preserveHost} init parameter, {@link #initParameters}): the client's, as a plugin may have
     * rewritten it. Only a request that came without one (HTTP/1.0) gets the server name and port it reached
     * rather than the cluster's authority. On h2c clusters {@code Host} is left out: the client sets
     * {@code :authority} from the cluster URL, and a {@code Host} beside it that differs is refused by strict
     * upstreams (RFC 9113 8.3.1).
     */
    @Override
    protected void copyRequestHeaders(HttpServletRequest clientRequest, Request proxyRequest) {
        if (clientRequest instanceof HeaderFieldSource source) {
            HttpFields.Mutable fields = HttpFields.build();
            if (clientRequest instanceof ClientRequest client) {
                client.forEachField(field -> {
                    if (forwarded(field.getLowerCaseName())) {
                        fields.add(field);
                    }
                });
            } else {
                source.forEachHeaderField((name, value) -> {
                    if (forwarded(name)) {
                        fields.add(name, value);
                    }
                });
            }
            proxyRequest.headers(headers -> headers.clear().add(fields));
        } else {
            super.copyRequestHeaders(clientRequest, proxyRequest);
        }
        proxyRequest.headers(headers -> {
            headers.remove(HttpHeader.EXPECT);
            if (!cluster.http2() && !headers.contains(HttpHeader.HOST)) {
                HttpFields copied = headers.asImmutable();
                headers.clear().add(HttpHeader.HOST, RequestAuthority.of(clientRequest)).add(copied);
            }
        });
    }

    /** Whether the header {@code lowerCaseName} goes to the upstream, by the rules of Jetty's copy. */
    private boolean forwarded(String lowerCaseName) {
        return !HOP_HEADERS.contains(lowerCaseName) && !(cluster.http2() && lowerCaseName.equals("host"));
    }

    /**
     * Nothing: the forwarding headers ({@code Via}, {@code Forwarded}, {@code X-Forwarded-*}) come with the
     * request the plugins saw ({@link ClientRequest}), as they left them, and are copied with the others.
     */
    @Override
    protected void addProxyHeaders(HttpServletRequest clientRequest, Request proxyRequest) {
    }

    /**
     * The upstream's response headers, each field's value as the upstream sent it. Jetty's proxy re-joins
     * each value from its comma-separated list, which takes the quotes off quoted strings and the spaces
     * around {@code ;}: {@code filename="my file.pdf"} reached the client as {@code filename=my file.pdf},
     * a {@code Set-Cookie} value {@code "a b"} as {@code a b}. Jetty's rules otherwise: no hop-by-hop header, the
     * first field of a name replaces what the response had, the others are added.
     */
    @Override
    protected void onServerResponseHeaders(HttpServletRequest clientRequest, HttpServletResponse proxyResponse,
            Response serverResponse) {
        Set<String> named = new HashSet<>();
        for (HttpField field : serverResponse.getHeaders()) {
            String lowerCaseName = field.getLowerCaseName();
            if (HOP_HEADERS.contains(lowerCaseName)) {
                continue;
            }
            HttpField kept = filterServerResponseHeader(clientRequest, serverResponse, field);
            if (kept == null) {
                continue;
            }
            if (named.add(lowerCaseName)) {
                proxyResponse.setHeader(kept.getName(), kept.getValue());
            } else {
                proxyResponse.addHeader(kept.getName(), kept.getValue());
            }
        }
        if (serverResponse.getStatus() == HttpStatus.NOT_MODIFIED_304 && !named.contains("content-length")) {
            commitWithoutLength(proxyResponse, serverResponse);
        } else if (!named.contains("content-length")) {
            offerTrailers(proxyResponse, serverResponse);
        }
    }

    private static void offerTrailers(HttpServletResponse proxyResponse, Response serverResponse) {
        try {
            proxyResponse.setTrailerFields(() -> trailers(serverResponse));
        } catch (IllegalStateException e) {
            // The client's protocol carries no trailers (HTTP/1.0): they are dropped, as Envoy drops them.
        }
    }

    /**
     * The upstream's trailers (gRPC's {@code grpc-status} and {@code grpc-message}, any other), each name's
     * values joined with {@code ,}, as the Servlet API takes them; asked for once the upstream's response
     * ended. Only a response without a length can carry them to the client (HTTP/1.1 chunked, or HTTP/2),
     * so only such a response offers them.
     */
    private static Map<String, String> trailers(Response serverResponse) {
        HttpFields trailers = serverResponse.getTrailers();
        if (trailers == null || trailers.size() == 0) {
            return Map.of();
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (HttpField field : trailers) {
            fields.merge(field.getLowerCaseName(), field.getValue(), (a, b) -> a + "," + b);
        }
        return fields;
    }

    /**
     * Sends the head of a 304 that declares no length as it is: left uncommitted until the exchange
     * completes, Jetty would declare {@code Content-Length: 0}, which RFC 9110 (8.6) forbids unless the
     * 200 it stands for is empty, and which a cache could take as the new length of what it holds.
     */
    private static void commitWithoutLength(HttpServletResponse proxyResponse, Response serverResponse) {
        try {
            proxyResponse.flushBuffer();
        } catch (IOException e) {
            // The client is gone: the exchange fails as a failed write of the body would fail it.
            serverResponse.abort(e);
        }
    }

    /** Drops the headers the upstream's {@code Connection} names: they were for the hop to the proxy (RFC 9110 7.6.1). */
    @Override
    protected HttpField filterServerResponseHeader(HttpServletRequest clientRequest, Response serverResponse, HttpField field) {
        for (String token : serverResponse.getHeaders().getCSV(HttpHeader.CONNECTION, false)) {
            if (field.getName().equalsIgnoreCase(token)) {
                return null;
            }
        }
        return field;
    }

    @Override
    protected void onResponseContent(HttpServletRequest clientRequest, HttpServletResponse proxyResponse,
            Response serverResponse, byte[] buffer, int offset, int length, Callback callback) {
        try {
            ServletOutputStream out = proxyResponse.getOutputStream();
            out.write(buffer, offset, length);
            out.flush();
            callback.succeeded();
        } catch (IOException | RuntimeException e) {
            callback.failed(e);
        }
    }

    /**
     * The body as Jetty's proxy streams it, without a content type of its own. Jetty's client sends the
     * body's type, else its default, when the headers have none: {@code application/octet-stream} would reach
     * the upstream with a body the client sent without a type, or whose {@code Content-Type} a plugin removed.
     * The copied headers carry the one the plugins left, if any. A body the client sent without a length
     * (chunked, or HTTP/2) is followed by its trailers, as the plugins left them. One it sent with a length
     * has none, and offers none: to carry trailers Jetty's client would send it chunked, where it now sends
     * a body that arrives whole with its length.
     */
    @Override
    protected Request.Content proxyRequestContent(HttpServletRequest clientRequest, HttpServletResponse proxyResponse,
            Request proxyRequest) throws IOException {
        Request.Content body = new ProxyInputStreamRequestContent(clientRequest, proxyResponse, proxyRequest,
                clientRequest.getInputStream()) {
            @Override
            public String getContentType() {
                return null;
            }
        };
        if (ServletContextRequest.getServletContextRequest(clientRequest).getLength() < 0) {
            proxyRequest.trailersSupplier(() -> requestTrailers(clientRequest));
        }
        return body;
    }

    /** The client's request trailers once its body was read to its end, or {@code null} for none. */
    private static HttpFields requestTrailers(HttpServletRequest clientRequest) {
        if (!clientRequest.isTrailerFieldsReady()) {
            return null;
        }
        Map<String, String> sent = clientRequest.getTrailerFields();
        if (sent.isEmpty()) {
            return null;
        }
        HttpFields.Mutable trailers = HttpFields.build(sent.size());
        sent.forEach(trailers::add);
        return trailers;
    }

    /** HTTP/2 carries a body without a length or chunked encoding: only a finished input has none. */
    @Override
    protected boolean hasContent(HttpServletRequest clientRequest) {
        if (super.hasContent(clientRequest) || clientRequest.getProtocol().startsWith("HTTP/1")) {
            return super.hasContent(clientRequest);
        }
        try {
            ServletInputStream input = clientRequest.getInputStream();
            return !input.isFinished() || input.available() > 0;
        } catch (IOException | IllegalStateException e) {
            return true;
        }
    }

    /**
     * A client whose body cannot be parsed (bad chunk framing: 400) or did not arrive in time (the gateway's
     * body deadline: 408) made the error, not the upstream, and gets that status. The upstream saw nothing of
     * a body that could not be parsed, as the proxy request's head goes out with its first body bytes.
     */
    @Override
    protected int proxyResponseStatus(Throwable failure) {
        int status = clientErrorStatus(failure);
        return status != 0 ? status : super.proxyResponseStatus(failure);
    }

    @Override
    protected int clientRequestStatus(Throwable failure) {
        int status = clientErrorStatus(failure);
        return status != 0 ? status : super.clientRequestStatus(failure);
    }

    /** The 4xx status of the client's error that caused {@code failure}, or 0 if it was none. */
    private static int clientErrorStatus(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof HttpException http && HttpStatus.isClientError(http.getCode())) {
                return http.getCode();
            }
        }
        return 0;
    }

    /**
     * A request the client never sent is answered 503 with its {@code response.code_details} as the body
     * (and in {@link ProxyWasmFilter#CODE_DETAILS_ATTRIBUTE}, for the route's plugins), as Envoy answers
     * them: the cluster's queue was full ({@value PendingOverflow#DETAILS}, counted and logged), or no
     * connection came within {@code connect_timeout} ({@value #CONNECT_TIMEOUT_DETAILS}, whether it waited
     * in the queue or for its own connect). Other failures keep Jetty's 502 and 504.
     */
    @Override
    protected void onProxyResponseFailure(HttpServletRequest clientRequest, HttpServletResponse proxyResponse,
            Response serverResponse, Throwable failure) {
        String details = unsentDetails(failure);
        if (details == null || proxyResponse.isCommitted()) {
            super.onProxyResponseFailure(clientRequest, proxyResponse, serverResponse, failure);
            return;
        }
        if (details.equals(PendingOverflow.DETAILS)) {
            overflow.record();
        }
        clientRequest.setAttribute(ProxyWasmFilter.CODE_DETAILS_ATTRIBUTE, details);
        try {
            proxyResponse.resetBuffer();
            proxyResponse.setStatus(HttpStatus.SERVICE_UNAVAILABLE_503);
            proxyResponse.setContentType("text/plain;charset=utf-8");
            proxyResponse.getOutputStream().write((details + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            _log.debug("answering {} failed", details, e);
        } finally {
            if (clientRequest.isAsyncStarted()) {
                clientRequest.getAsyncContext().complete();
            }
        }
    }

    /** The details of a failure that kept the request from being sent, or {@code null} for any other. */
    private String unsentDetails(Throwable failure) {
        // Jetty rejects a request over the queue limit, and every request while the client stops.
        if (failure instanceof RejectedExecutionException && getHttpClient().isRunning()) {
            return PendingOverflow.DETAILS;
        }
        if (failure instanceof ConnectionWait.NoConnection || failure instanceof SocketTimeoutException) {
            return CONNECT_TIMEOUT_DETAILS;
        }
        return null;
    }

    /** Stops the client; requests still on it fail. */
    @Override
    public void close() {
        destroy();
    }

    /** The servlet config Jetty's proxy reads at {@code init}. */
    private record Config(String cluster, ServletContext context, Map<String, String> parameters) implements ServletConfig {
        @Override
        public String getServletName() {
            return "upstream-" + cluster;
        }

        @Override
        public ServletContext getServletContext() {
            return context;
        }

        @Override
        public String getInitParameter(String name) {
            return parameters.get(name);
        }

        @Override
        public Enumeration<String> getInitParameterNames() {
            return Collections.enumeration(parameters.keySet());
        }
    }
}
