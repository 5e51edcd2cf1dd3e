package io.wasmgate.filter.callout;

import java.util.Map;
import org.eclipse.jetty.client.Destination;
import org.eclipse.jetty.client.MultiplexConnectionPool;
import org.eclipse.jetty.client.Origin;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.transport.HttpClientConnectionFactory;
import org.eclipse.jetty.client.transport.HttpClientTransportDynamic;
import org.eclipse.jetty.client.transport.HttpDestination;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.ClientConnectionFactoryOverHTTP2;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Jetty's dynamic transport (HTTP/1.1, and h2c when a request asks for HTTP/2) routed by cluster: a
 * request's tag names its cluster, and it connects to that cluster's address whatever authority it
 * carries, so a plugin's {@code :authority} reaches the upstream (as {@code Host} or HTTP/2
 * {@code :authority}) without deciding where the connection goes. Each cluster has pools of its own,
 * at most {@link Cluster#maxConnections()} connections each, and an {@code https} cluster's connections
 * use the TLS context of its own {@link ClusterTls}.
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
        SslContextFactory.Client tls = tlsContexts.get(String.valueOf(origin.getTag()));
        return new HttpDestination(getHttpClient(), origin) {
            @Override
            public SslContextFactory.Client resolveSslContextFactory() {
                return tls != null ? tls : super.resolveSslContextFactory();
            }
        };
    }

    private Cluster cluster(Destination destination) {
        return clusters.get(String.valueOf(destination.getOrigin().getTag()));
    }
}
