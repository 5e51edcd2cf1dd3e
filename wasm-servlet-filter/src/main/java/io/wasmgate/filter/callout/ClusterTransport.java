package io.wasmgate.filter.callout;

import java.util.Map;
import java.util.Queue;
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
import org.eclipse.jetty.util.BlockingArrayQueue;

/**
 * Jetty's dynamic transport (HTTP/1.1, and h2c when a request asks for HTTP/2) routed by cluster: a
 * request's tag names its cluster, and it connects to that cluster's address whatever authority it
 * carries, so a plugin's {@code :authority} reaches the upstream (as {@code Host} or HTTP/2
 * {@code :authority}) without deciding where the connection goes. Each cluster has pools of its own,
 * at most {@link Cluster#maxConnections()} connections each, and a queue of its own for calls waiting for
 * one: at most {@link Cluster#maxPendingRequests()}; a call over it fails at once with
 * {@link PendingOverflowException}.
 */
final class ClusterTransport extends HttpClientTransportDynamic {
    private final Map<String, Cluster> clusters;

    ClusterTransport(ClientConnector connector, Map<String, Cluster> clusters) {
        super(connector, HttpClientConnectionFactory.HTTP11, new ClientConnectionFactoryOverHTTP2.HTTP2(new HTTP2Client(connector)));
        this.clusters = clusters;
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
        return new ClusterDestination(getHttpClient(), origin);
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

    /** A cluster's destination: its queue holds the cluster's {@code max_pending_requests}, not the client's. */
    private static final class ClusterDestination extends HttpDestination {
        ClusterDestination(HttpClient client, Origin origin) {
            super(client, origin);
        }

        /** Called by the super constructor, after it has set the origin (whose tag names the cluster). */
        @Override
        protected Queue<HttpExchange> newExchangeQueue(HttpClient client) {
            int capacity = cluster().maxPendingRequests();
            // As Jetty's own destinations do: a large cap starts small and grows.
            return capacity > 32 ? BlockingArrayQueue.newInstance(32, capacity) : new BlockingArrayQueue<>(capacity);
        }

        /** Aborts a call over the limit with why before Jetty does (its RejectedExecutionException also means "stopped"). */
        @Override
        protected boolean enqueue(Queue<HttpExchange> queue, HttpExchange exchange) {
            if (super.enqueue(queue, exchange)) {
                return true;
            }
            exchange.getRequest().abort(new PendingOverflowException(cluster()));
            return false;
        }

        private Cluster cluster() {
            return ((ClusterTransport) getHttpClient().getHttpClientTransport()).cluster(getOrigin());
        }
    }
}
