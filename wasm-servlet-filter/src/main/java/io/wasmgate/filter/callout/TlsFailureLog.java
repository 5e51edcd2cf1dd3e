package io.wasmgate.filter.callout;

import org.eclipse.jetty.io.ssl.SslHandshakeListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each failed TLS handshake with an upstream, with the JDK's reason: the request only says "502" or
 * "connection failed", and an untrusted, expired or misnamed certificate is a configuration problem the
 * operator must see. Added as a bean of a Jetty {@code HttpClient}, which hands it to every TLS connection.
 */
public final class TlsFailureLog implements SslHandshakeListener {
    private static final Logger LOG = LoggerFactory.getLogger(TlsFailureLog.class);

    private final String client;

    /** @param client who connects, for the log, e.g. {@code callout client} */
    public TlsFailureLog(String client) {
        this.client = client;
    }

    /** The log of {@code cluster}'s own client: it names the cluster, its URL and what it trusts. */
    public static TlsFailureLog of(Cluster cluster) {
        ClusterTls tls = cluster.tls();
        String trust = tls.caFile() != null ? "trusting tls.ca_file " + tls.caFile() : "trusting the JDK's trust store";
        return new TlsFailureLog("cluster '" + cluster.name() + "' (" + cluster.url() + ", " + trust + ")");
    }

    @Override
    public void handshakeFailed(Event event, Throwable failure) {
        LOG.warn("{}: TLS handshake with {}:{} failed (check the cluster's tls.ca_file, tls.server_name and the "
                + "upstream's certificate): {}", client, event.getSSLEngine().getPeerHost(), event.getSSLEngine().getPeerPort(),
                failure.getMessage());
    }
}
