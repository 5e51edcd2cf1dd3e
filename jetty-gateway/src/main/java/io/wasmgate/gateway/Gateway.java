package io.wasmgate.gateway;

import io.wasmgate.gateway.admin.AdminHandler;
import io.wasmgate.gateway.admin.GatewayMeters;
import io.wasmgate.gateway.config.ClientLimits;
import io.wasmgate.gateway.config.Endpoint;
import io.wasmgate.gateway.config.GatewayConfig;
import io.wasmgate.gateway.config.ListenerTls;
import io.wasmgate.gateway.proxy.GatewayHandler;
import io.wasmgate.gateway.proxy.RequestMetrics;
import io.wasmgate.gateway.proxy.RouteConcurrency;
import io.wasmgate.gateway.proxy.RouteServlet;
import io.wasmgate.gateway.runtime.GatewayRuntime;
import java.net.URI;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.VirtualThreads;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Wasmgate gateway: one Jetty 12 server with a proxy connector (HTTP/1.1 and h2c, or with
 * {@code listen.tls} HTTPS: HTTP/2 and HTTP/1.1 by ALPN, {@link ProxyTls}) and an admin connector. Proxy
 * requests go through {@link GatewayHandler} (route match) into one servlet context whose
 * {@link RouteServlet} runs the route's plugins in front of the route's cluster; admin requests go to the
 * {@link AdminHandler}. The plugins, routes and clients live in a {@link GatewayRuntime}, which reloads
 * them without a restart; a reload also replaces the proxy's certificate, while the rest of {@code listen}
 * (host, port, TLS or not, threads, body deadline) is read at start only.
 *
 * <p>The admin connector has a small thread pool of its own, so no load on the proxy can keep probes and
 * scrapes from being answered. Proxy requests and the upstream clients run on virtual threads where the JDK
 * has them (21+, unless {@code listen.virtual_threads: false}), otherwise on at most
 * {@code listen.max_threads} platform threads.
 *
 * <p>{@link #stop()} drains: the connectors stop accepting, requests in flight get up to the configured
 * {@code drain_timeout} to finish, then the plugins stop.
 *
 * <pre>{@code
 * Gateway gateway = new Gateway(GatewayConfigLoader.load(Path.of("gateway.yaml")));
 * gateway.start();
 * }</pre>
 */
public final class Gateway extends AbstractLifeCycle {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final GatewayConfig config;
    private final GatewayMeters meters = new GatewayMeters();
    /** Enough for a scrape, a probe and a reload at once; the admin is not a place for load. */
    private static final int ADMIN_THREADS = 8;

    private final QueuedThreadPool threads;
    private final QueuedThreadPool adminThreads = new QueuedThreadPool(ADMIN_THREADS, 2);
    private final Server server;
    private final ServerConnector proxyConnector;
    private final ServerConnector adminConnector;
    private final GatewayRuntime runtime;
    private final GracefulHandler graceful;
    private final ProxyTls proxyTls;

    public Gateway(GatewayConfig config) {
        this.config = config;
        threads = proxyThreads(config.clientLimits());
        server = new Server(threads);
        adminThreads.setName("wasmgate-admin");
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(false);
        proxyTls = config.listenTls() == null ? null : new ProxyTls(config.listenTls());
        proxyConnector = connector("proxy", config.listen(), new ServerConnector(server, proxyTls != null
                ? proxyTls.connectionFactories(http)
                : new ConnectionFactory[] {new HttpConnectionFactory(http), new HTTP2CServerConnectionFactory(http)}));
        adminConnector = connector("admin", config.admin().endpoint(),
                new ServerConnector(server, adminThreads, null, null, 1, 1, new HttpConnectionFactory()));
        ServletContextHandler servlets = new ServletContextHandler("/");
        ServletHolder routes = new ServletHolder("routes", new RouteServlet());
        routes.setAsyncSupported(true);
        servlets.addServlet(routes, "/");
        // ProxyServlet reads the client's body from the upstream client's callbacks: on platform threads a
        // trickled upload would hold one of them even with requests on virtual threads.
        Executor clients = threads.getVirtualThreadsExecutor() != null ? threads.getVirtualThreadsExecutor() : threads;
        runtime = new GatewayRuntime(config, meters.registry(), servlets.getServletContext(), clients, this::reloaded);
        GatewayHandler proxy = new GatewayHandler(proxyConnector, runtime.generations(),
                new RequestMetrics(meters.registry()), new RouteConcurrency(meters.registry()), config.clientLimits(),
                servlets);
        AdminHandler admin = new AdminHandler(adminConnector, config.admin(), runtime, meters);
        graceful = new GracefulHandler(new Handler.Sequence(admin, proxy));
        server.setHandler(graceful);
        meters.bindJetty(server, threads);
    }

    /**
     * The proxy's pool: {@code max_threads} platform threads, plus virtual threads where the JDK has them and
     * the configuration allows them. Jetty finds them reflectively, so the build stays on 17.
     */
    private static QueuedThreadPool proxyThreads(ClientLimits limits) {
        QueuedThreadPool pool = new QueuedThreadPool(limits.maxThreads());
        pool.setName("wasmgate");
        Executor virtual = limits.virtualThreads() ? VirtualThreads.getNamedVirtualThreadsExecutor("wasmgate-virtual-") : null;
        if (virtual != null) {
            pool.setVirtualThreadsExecutor(virtual);
            LOG.info("proxy requests and upstream clients run on virtual threads (Java {}); at most {} platform threads "
                    + "run Jetty's acceptors and selectors", Runtime.version().feature(), limits.maxThreads());
        } else {
            LOG.info("proxy requests run on at most {} platform threads (listen.max_threads; virtual threads {})",
                    limits.maxThreads(), limits.virtualThreads() ? "need Java 21+, this is Java " + Runtime.version().feature()
                            : "are off: listen.virtual_threads is false");
        }
        return pool;
    }

    private ServerConnector connector(String name, Endpoint endpoint, ServerConnector connector) {
        connector.setName(name);
        connector.setHost(endpoint.host());
        connector.setPort(endpoint.port());
        server.addConnector(connector);
        return connector;
    }

    /** What a reload can change of {@code listen}: the certificate; the rest waits for a restart, as the log says. */
    private void reloaded(GatewayConfig reloaded) {
        ListenerTls tls = reloaded.listenTls();
        if (!reloaded.listen().equals(config.listen()) || (tls == null) != (proxyTls == null)) {
            LOG.warn("listen.host, listen.port and turning listen.tls on or off take a restart: the proxy keeps {}",
                    proxyUri());
        }
        if (!reloaded.clientLimits().equals(config.clientLimits())) {
            LOG.warn("listen.max_threads, virtual_threads, request_body_timeout and min_request_data_rate take a restart: "
                    + "the proxy keeps {}", config.clientLimits());
        }
        if (tls != null && proxyTls != null) {
            try {
                proxyTls.update(tls);
            } catch (Exception e) {
                LOG.error("the proxy keeps its certificate: the one of {} did not load: {}", tls.certificate(), e.toString());
            }
        }
    }

    /** Starts the server, then the plugins; a plugin that cannot start stops the server again and fails the start. */
    @Override
    protected void doStart() throws Exception {
        server.start();
        try {
            runtime.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
    }

    /**
     * Stops accepting, lets requests in flight finish (new requests on open connections get 503), at most
     * {@code drain_timeout}; then stops the plugins and closes the connections.
     */
    @Override
    protected void doStop() throws Exception {
        try {
            drain();
            // The plugins and upstream clients stop before the server: the clients run on its threads.
            runtime.stop();
            server.stop();
        } finally {
            meters.close();
        }
    }

    private void drain() throws InterruptedException {
        proxyConnector.close();
        try {
            graceful.shutdown().get(config.drainTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("requests still in flight after the drain timeout ({}): stopping anyway", config.drainTimeout());
        } catch (ExecutionException e) {
            LOG.warn("draining failed: {}", e.getCause().toString());
        }
    }

    /** Waits until the server has stopped. */
    public void join() throws InterruptedException {
        server.join();
    }

    /** {@code http://host:port}, or {@code https://} with TLS, of the proxy connector (its actual port once started). */
    public URI proxyUri() {
        return uri(proxyTls == null ? "http" : "https", proxyConnector);
    }

    /** {@code http://host:port} of the admin connector (its actual port once started). */
    public URI adminUri() {
        return uri("http", adminConnector);
    }

    private static URI uri(String scheme, ServerConnector connector) {
        String host = connector.getHost() == null || connector.getHost().equals("0.0.0.0") ? "127.0.0.1" : connector.getHost();
        return URI.create(scheme + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + connector.getLocalPort());
    }
}
