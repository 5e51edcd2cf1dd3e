package io.wasmgate.filter.callout;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import org.eclipse.jetty.client.Destination;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.MultiplexConnectionPool;
import org.eclipse.jetty.client.Origin;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.transport.HttpClientConnectionFactory;
import org.eclipse.jetty.client.transport.HttpClientTransportDynamic;
import org.eclipse.jetty.client.transport.HttpDestination;
import org.eclipse.jetty.client.transport.HttpExchange;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.ClientConnectionFactoryOverHTTP2;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Jetty's dynamic transport (HTTP/1.1, and h2c when a request asks for HTTP/2) routed by cluster: a
 * request's tag names its cluster, and it connects to that cluster's address whatever authority it
 * carries, so a plugin's {@code :authority} reaches the upstream (as {@code Host} or HTTP/2
 * {@code :authority}) without deciding where the connection goes. Each cluster has pools of its own,
 * at most {@link Cluster#maxConnections()} connections each, and a queue of its own for calls waiting for
 * one: at most {@link Cluster#maxPendingRequests()}; a call over it fails at once with
 * {@link PendingOverflowException}. An {@code https} cluster's connections use the TLS context of its own
 * {@link ClusterTls}.
 */
final class ClusterTransport extends HttpClientTransportDynamic {
    private final Map<String, Cluster> clusters;
    private final Map<String, SslContextFactory.Client> tlsContexts;

    /** @param tlsContexts the TLS context of each {@code https} cluster, by name, started with the client */
    ClusterTransport(ClientConnector connector, Map<String, Cluster> clusters, Map<String, SslContextFactory.Client> tlsContexts) {
        super(connector, HttpClientConnectionFactory.HTTP11, new ClientConnectionFactoryOverHTTP2.HTTP2(new HTTP2Client(connector)));
        this.clusters = clusters;
        this.tlsContexts = tlsContexts;
        setConnectionPoolFactory(destination -> new MultiplexConnectionPool(destination, cluster(destination).maxConnections(), 1));
    }

    @Override
    public Origin newOrigin(Request request) {
        Origin byAuthority = super.newOrigin(request);
        Cluster cluster = clusters.get(String.valueOf(request.getTag()));
        if (cluster == null) {
            throw new IllegalArgumentException("request for no cluster: tag " + request.getTag());
        }
        return new Origin(cluster.scheme(), new Origin.Address(cluster.url().getHost(), cluster.port()), cluster.name(),
                byAuthority.getProtocol(), byAuthority.getTransport());
    }

    @Override
    public Destination newDestination(Origin origin) {
        return new ClusterDestination(getHttpClient(), origin, cluster(origin), tlsContexts.get(String.valueOf(origin.getTag())));
    }

    private Cluster cluster(Destination destination) {
        return cluster(destination.getOrigin());
    }

    private Cluster cluster(Origin origin) {
        return clusters.get(String.valueOf(origin.getTag()));
    }

    /** Why a call failed at once: its cluster's queue was full. */
    static final class PendingOverflowException extends RejectedExecutionException {
        private static final long serialVersionUID = 1L;

        PendingOverflowException(Cluster cluster) {
            super("cluster '" + cluster.name() + "': " + cluster.maxPendingRequests()
                    + " calls (max_pending_requests) already wait for a connection");
        }
    }

    /**
     * A cluster's destination: its queue holds the cluster's {@code max_pending_requests}, not the client's,
     * and an {@code https} cluster's connections use its own TLS context.
     */
    private static final class ClusterDestination extends HttpDestination {
        private final Cluster cluster;
        private final SslContextFactory.Client tls;

        /** @param tls the cluster's TLS context, or {@code null} for the client's */
        ClusterDestination(HttpClient client, Origin origin, Cluster cluster, SslContextFactory.Client tls) {
            super(client, origin);
            this.cluster = cluster;
            this.tls = tls;
        }

        @Override
        public SslContextFactory.Client resolveSslContextFactory() {
            return tls != null ? tls : super.resolveSslContextFactory();
        }

        /**
         * A queue that grows as needed: {@link #enqueue} bounds it by the cluster's limit (the super
         * constructor asks for the queue before this destination knows its cluster).
         */
        @Override
        protected Queue<HttpExchange> newExchangeQueue(HttpClient client) {
            return new LinkedBlockingQueue<>();
        }

        /** Aborts a call over the limit with why before Jetty does (its RejectedExecutionException also means "stopped"). */
        @Override
        protected boolean enqueue(Queue<HttpExchange> queue, HttpExchange exchange) {
            if (queue.size() < cluster.maxPendingRequests() && super.enqueue(queue, exchange)) {
                return true;
            }
            exchange.getRequest().abort(new PendingOverflowException(cluster));
            return false;
        }
    }
}
