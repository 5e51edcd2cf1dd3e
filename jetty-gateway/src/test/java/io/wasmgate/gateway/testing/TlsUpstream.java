package io.wasmgate.gateway.testing;

import java.net.URI;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * An HTTPS upstream on a loopback port serving a given certificate; it answers {@code <name> <method> <path>}.
 */
public final class TlsUpstream implements AutoCloseable {
    private final Server server = new Server();
    private final ServerConnector connector;

    private TlsUpstream(String name, TestCa.Issued certificate) throws Exception {
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(certificate.keyStore());
        tls.setKeyStorePassword("secret");
        // Its certificate may name another host than the Host the gateway passes on (the client's).
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false);
        HttpConfiguration http = new HttpConfiguration();
        http.addCustomizer(secure);
        connector = new ServerConnector(server, tls, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                Content.Sink.write(response, true, name + " " + request.getMethod() + " " + request.getHttpURI().getPath(),
                        callback);
                return true;
            }
        });
    }

    /** Starts an upstream named {@code name} serving {@code certificate}. */
    public static TlsUpstream start(String name, TestCa.Issued certificate) throws Exception {
        TlsUpstream upstream = new TlsUpstream(name, certificate);
        upstream.server.start();
        return upstream;
    }

    /** {@code https://127.0.0.1:<port>}. */
    public URI uri() {
        return URI.create("https://127.0.0.1:" + connector.getLocalPort());
    }

    /** The port it listens on. */
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        LifeCycle.stop(server);
    }
}
