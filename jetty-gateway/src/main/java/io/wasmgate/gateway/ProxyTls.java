package io.wasmgate.gateway;

import io.wasmgate.gateway.config.ListenerTls;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.HTTP2Cipher;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy port's TLS ({@code listen.tls}): HTTP/2 and HTTP/1.1 over TLS, chosen by ALPN (HTTP/1.1 for
 * clients that do not offer ALPN), with a certificate that a reload replaces for new connections.
 */
final class ProxyTls {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyTls.class);

    private final SslContextFactory.Server context = new SslContextFactory.Server();
    private ListenerTls serving;

    ProxyTls(ListenerTls tls) {
        serving = tls;
        context.setKeyStore(tls.keyStore());
        context.setKeyStorePassword(ListenerTls.KEY_STORE_PASSWORD);
        // TLS 1.2 clients offering h2 must not settle on a cipher HTTP/2 forbids (RFC 9113, appendix A).
        context.setCipherComparator(HTTP2Cipher.COMPARATOR);
        context.setUseCipherSuitesOrder(true);
    }

    /** The connection factories of the proxy connector: TLS, then ALPN, then h2 or HTTP/1.1. */
    ConnectionFactory[] connectionFactories(HttpConfiguration http) {
        HttpConfiguration https = new HttpConfiguration(http);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // Clients that reach the proxy by address, or name a Host the certificate does not, are served as
        // Envoy and nginx serve them; Jetty's default would answer 400.
        secure.setSniHostCheck(false);
        https.addCustomizer(secure);
        HttpConnectionFactory http11 = new HttpConnectionFactory(https);
        HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(https);
        // Without a list, ALPN offers what the connector's later factories speak, by their ALPN names (h2, http/1.1).
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
        alpn.setDefaultProtocol(http11.getProtocol());
        return new ConnectionFactory[] {new SslConnectionFactory(context, alpn.getProtocol()), alpn, h2, http11};
    }

    /**
     * Serves {@code tls} on new connections if its certificate or key differ from the ones serving;
     * connections already open keep theirs.
     *
     * @throws Exception if Jetty cannot build the new TLS context (the old one keeps serving)
     */
    synchronized void update(ListenerTls tls) throws Exception {
        if (tls.equals(serving)) {
            return;
        }
        context.reload(reloaded -> reloaded.setKeyStore(tls.keyStore()));
        serving = tls;
        LOG.info("the proxy now serves the certificate of {} ({})", tls.certificate(), tls.chain().get(0).getSubjectX500Principal());
    }
}
