package io.wasmgate.filter.callout;

import io.wasmgate.abi.spi.CalloutClient;
import io.wasmgate.abi.spi.Cancellable;
import io.wasmgate.abi.spi.GrpcCallRequest;
import io.wasmgate.abi.spi.GrpcListener;
import io.wasmgate.abi.spi.GrpcStream;
import io.wasmgate.abi.spi.HttpCallListener;
import io.wasmgate.abi.spi.HttpCallRequest;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The asynchronous callout client of a host: {@code proxy_http_call} and gRPC calls to named
 * {@link Cluster clusters} over one Jetty {@link HttpClient}. No method blocks; answers reach the
 * listeners on Jetty's threads.
 *
 * <p>One client speaks HTTP/1.1 and HTTP/2 cleartext (prior knowledge) through Jetty's dynamic transport:
 * each request asks for its cluster's protocol. Requests carry the plugin's {@code :authority} (as
 * {@code Host}, or HTTP/2 {@code :authority}) yet connect to their cluster's address, on pools of the
 * cluster's own of at most {@code maxConnections} connections ({@code ClusterTransport}). {@code https}
 * clusters speak HTTP/1.1 over TLS, checking the upstream as their {@link ClusterTls} says.
 *
 * <p>Timeouts: a call may take the shorter of what the plugin asked and the cluster's {@code timeout},
 * either being zero for "no limit" ({@link Cluster#deadline}); a call still without a connection after the
 * cluster's {@code connectTimeout} fails with "connect timeout". gRPC calls send their deadline as
 * {@code grpc-timeout}. Failures reach an HTTP listener as a short reason ({@code "connection refused"},
 * {@code "connect timeout"}, {@code "timeout"}, {@code "reset"}, {@code "response too large"},
 * {@code "pending overflow"} when {@code maxPendingRequests} calls already wait for the cluster) and a gRPC
 * listener as a close status: UNAVAILABLE for refused, reset, overflow or connect timeout, DEADLINE_EXCEEDED
 * for the deadline.
 *
 * <pre>{@code
 * JettyCalloutClient client = JettyCalloutClient.start(List.of(Cluster.of("authz", URI.create("http://127.0.0.1:9000"))));
 * HostServices services = HostServices.builder().withCalloutClient(client).build();
 * // ... plugins, then: services.close(); client.close();
 * }</pre>
 */
public final class JettyCalloutClient implements CalloutClient, AutoCloseable {
    private final Map<String, Cluster> clusters;
    private final HttpClient httpClient;

    private JettyCalloutClient(Map<String, Cluster> clusters, HttpClient httpClient) {
        this.clusters = clusters;
        this.httpClient = httpClient;
    }

    /**
     * Starts a client for {@code clusters}.
     *
     * @throws IllegalArgumentException if two clusters share a name
     * @throws IllegalStateException if Jetty's client does not start
     */
    public static JettyCalloutClient start(List<Cluster> clusters) {
        Map<String, Cluster> byName = new HashMap<>();
        for (Cluster cluster : clusters) {
            if (byName.putIfAbsent(cluster.name(), cluster) != null) {
                throw new IllegalArgumentException("two clusters are named '" + cluster.name() + "'");
            }
        }
        Map<String, Cluster> known = Map.copyOf(byName);
        HttpClient httpClient = newHttpClient(known);
        try {
            httpClient.start();
        } catch (Exception e) {
            throw new IllegalStateException("the callout client did not start: " + e.getMessage(), e);
        }
        return new JettyCalloutClient(known, httpClient);
    }

    private static HttpClient newHttpClient(Map<String, Cluster> clusters) {
        ClientConnector connector = new ClientConnector();
        // Jetty's own connect timeout is one for all; the longest lets each cluster apply its own (see newRequest).
        connector.setConnectTimeout(clusters.values().stream().map(Cluster::connectTimeout)
                .max(Duration::compareTo).orElse(Cluster.DEFAULT_CONNECT_TIMEOUT));
        Map<String, SslContextFactory.Client> tlsContexts = new HashMap<>();
        clusters.values().stream().filter(cluster -> cluster.scheme().equals("https"))
                .forEach(cluster -> tlsContexts.put(cluster.name(), ClusterTls.clientContext(cluster)));
        HttpClient httpClient = new HttpClient(new ClusterTransport(connector, clusters, Map.copyOf(tlsContexts)));
        httpClient.setName("wasmgate-callout");
        tlsContexts.values().forEach(httpClient::addBean);
        httpClient.addBean(new TlsFailureLog("callout client"));
        // A callout carries what the plugin wrote and hands back what the upstream said: no redirects
        // followed, no cookies kept, no User-Agent, Accept-Encoding or default Content-Type added, no body
        // decoded.
        httpClient.setFollowRedirects(false);
        httpClient.setHttpCookieStore(new HttpCookieStore.Empty());
        httpClient.setUserAgentField(null);
        httpClient.setDefaultRequestContentType(null);
        httpClient.getContentDecoderFactories().clear();
        return httpClient;
    }

    @Override
    public boolean hasCluster(String cluster) {
        return clusters.containsKey(cluster);
    }

    /** @throws IllegalArgumentException for an unknown cluster, or an {@code :authority} that is not a URI authority */
    @Override
    public Cancellable httpCall(HttpCallRequest request, HttpCallListener listener) {
        Cluster cluster = cluster(request.cluster());
        String authority = request.header(":authority").orElseThrow(() -> new IllegalArgumentException("no :authority"));
        String path = request.header(":path").orElseThrow(() -> new IllegalArgumentException("no :path"));
        return HttpCallExchange.send(newRequest(cluster, authority, path, cluster.deadline(request.timeout())), request, listener);
    }

    /**
     * Opens the call over HTTP/2; on a cluster without {@code http2} it closes at once with UNAVAILABLE.
     *
     * @throws IllegalArgumentException for an unknown cluster
     */
    @Override
    public GrpcStream grpcCall(GrpcCallRequest request, GrpcListener listener) {
        Cluster cluster = cluster(request.cluster());
        if (!cluster.http2()) {
            listener.onClose(GrpcStatus.UNAVAILABLE,
                    "cluster '" + cluster.name() + "' does not speak HTTP/2 (http2: true), which gRPC needs");
            return Closed.STREAM;
        }
        Duration deadline = cluster.deadline(request.timeout());
        String path = "/" + request.service() + "/" + request.method();
        return GrpcCallExchange.open(newRequest(cluster, cluster.url().getRawAuthority(), path, deadline), request, deadline,
                listener);
    }

    private Cluster cluster(String name) {
        Cluster cluster = clusters.get(name);
        if (cluster == null) {
            throw new IllegalArgumentException("unknown cluster '" + name + "'");
        }
        return cluster;
    }

    /**
     * A request for {@code authority} and {@code path}, sent to {@code cluster} in the cluster's protocol
     * ({@link ClusterTransport} routes it by tag), bounded by {@code deadline} (zero: none) and by the
     * cluster's connect timeout until it is on a connection.
     *
     * @throws IllegalArgumentException if {@code authority} is not a valid URI authority
     */
    private Request newRequest(Cluster cluster, String authority, String path, Duration deadline) {
        Request request = httpClient.newRequest(URI.create(cluster.scheme() + "://" + authority))
                .path(path)
                .tag(cluster.name())
                .version(cluster.http2() ? HttpVersion.HTTP_2 : HttpVersion.HTTP_1_1);
        if (!deadline.isZero()) {
            request.timeout(deadline.toMillis(), TimeUnit.MILLISECONDS);
        }
        Scheduler.Task connectTimeout = httpClient.getScheduler().schedule(
                () -> request.abort(new SocketTimeoutException("connect timeout")), cluster.connectTimeout());
        request.onRequestBegin(begun -> connectTimeout.cancel());
        request.onRequestFailure((failed, failure) -> connectTimeout.cancel());
        return request;
    }

    /** Stops the HTTP client; calls in flight fail and their listeners may still hear of it. Idempotent. */
    @Override
    public void close() {
        try {
            httpClient.stop();
        } catch (Exception e) {
            throw new IllegalStateException("the callout client did not stop cleanly: " + e.getMessage(), e);
        }
    }

    /** The stream of a call that closed before it opened: sending and cancelling do nothing. */
    private enum Closed implements GrpcStream {
        STREAM;

        @Override
        public void send(byte[] message, boolean endOfStream) {}

        @Override
        public void halfClose() {}

        @Override
        public void cancel() {}
    }
}
