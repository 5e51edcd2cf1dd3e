package io.wasmgate.filter.callout;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How an {@code https} {@link Cluster} checks its upstream ({@code tls} of a cluster). Equal settings with
 * equal certificates are equal, so a reload that changes the CA file's content makes a new client.
 *
 * @param caFile the PEM bundle the trusted CAs were read from, or {@code null} for the JDK's trust store
 * @param trusted the CAs of {@code caFile}, which replace the JDK's trust store; empty without a file
 * @param verify {@code false}: any certificate for any name is accepted (logged loudly when a client starts)
 * @param serverName the name sent as SNI and checked against the certificate, or {@code null} for the URL's host
 */
public record ClusterTls(Path caFile, List<X509Certificate> trusted, boolean verify, String serverName) {
    /** The defaults: the JDK's trust store, verification on, the URL's host as the name. */
    public static final ClusterTls NONE = new ClusterTls(null, List.of(), true, null);

    private static final Logger LOG = LoggerFactory.getLogger(ClusterTls.class);

    public ClusterTls {
        trusted = List.copyOf(trusted);
    }

    /** Whether any setting differs from {@link #NONE}. */
    public boolean isSet() {
        return !equals(NONE);
    }

    /**
     * A new, unstarted TLS client context for {@code cluster}: trusting its {@code ca_file} (or the JDK's
     * trust store), checking the certificate against its {@code server_name} (or the URL's host), or
     * checking nothing with {@code verify: false}, which is logged as a warning each time.
     */
    public static SslContextFactory.Client clientContext(Cluster cluster) {
        ClusterTls tls = cluster.tls();
        SslContextFactory.Client context = tls.serverName() == null ? new SslContextFactory.Client()
                : new NamedServer(tls.serverName());
        if (!tls.verify()) {
            LOG.warn("cluster '{}' ({}): tls.verify is false: the upstream's certificate and name are NOT checked, "
                    + "so anyone on the network path can read and change this traffic", cluster.name(), cluster.url());
            context.setTrustAll(true);
            context.setEndpointIdentificationAlgorithm(null);
        } else if (!tls.trusted().isEmpty()) {
            context.setTrustStore(trustStore(tls.trusted()));
        }
        return context;
    }

    private static KeyStore trustStore(List<X509Certificate> certificates) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < certificates.size(); i++) {
                store.setCertificateEntry("ca-" + i, certificates.get(i));
            }
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("an in-memory trust store could not be built: " + e.getMessage(), e);
        }
    }

    /**
     * Connects to the URL's address but talks TLS to {@code serverName}: the engine's peer host is what the
     * JDK sends as SNI and checks the certificate against.
     */
    private static final class NamedServer extends SslContextFactory.Client {
        private final String serverName;

        NamedServer(String serverName) {
            this.serverName = serverName;
        }

        @Override
        public SSLEngine newSSLEngine(String host, int port) {
            return super.newSSLEngine(serverName, port);
        }
    }
}
