package io.wasmgate.filter.testing;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.ErrorPageErrorHandler;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.ee10.websocket.servlet.WebSocketUpgradeFilter;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** Embedded Jetty 12 (ee10). */
public final class JettyServer implements TestServer {
    private Server server;
    private ServerConnector connector;

    @Override
    public void start(Filter filter, HttpServlet servlet, boolean servletAsyncSupported, boolean h2c) throws Exception {
        server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        connector = h2c ? new ServerConnector(server, new HttpConnectionFactory(http), new HTTP2CServerConnectionFactory(http))
                : new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler(CONTEXT, ServletContextHandler.SESSIONS);
        FilterHolder filterHolder = new FilterHolder(filter);
        filterHolder.setAsyncSupported(true);
        context.addFilter(filterHolder, "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR));
        ErrorPageErrorHandler errorPages = new ErrorPageErrorHandler();
        errorPages.addErrorPage(ErrorPageErrorHandler.GLOBAL_ERROR_PAGE, ERROR_PAGE);
        context.setErrorHandler(errorPages);
        // Jetty puts its WebSocket upgrade filter first unless the context declares it: declared after
        // the plugins' filter, upgrades pass the plugins' request callbacks.
        FilterHolder upgrades = new FilterHolder(WebSocketUpgradeFilter.class);
        upgrades.setName(WebSocketUpgradeFilter.class.getName());
        upgrades.setAsyncSupported(true);
        context.addFilter(upgrades, "/*", EnumSet.of(DispatcherType.REQUEST));
        ServletHolder servletHolder = new ServletHolder(servlet);
        servletHolder.setAsyncSupported(servletAsyncSupported);
        servletHolder.getRegistration().setMultipartConfig(TestServer.MULTIPART);
        context.addServlet(servletHolder, "/*");
        JakartaWebSocketServletContainerInitializer.configure(context,
                (servletContext, container) -> container.addEndpoint(EchoEndpoint.class));
        server.setHandler(context);
        server.start();
    }

    @Override
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    @Override
    public String toString() {
        return "Jetty 12 ee10";
    }
}
