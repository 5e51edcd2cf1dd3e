package io.wasmgate.filter.javax.testing;

import javax.servlet.DispatcherType;
import javax.servlet.Filter;
import javax.servlet.http.HttpServlet;
import java.util.EnumSet;
import org.eclipse.jetty.ee8.servlet.ErrorPageErrorHandler;
import org.eclipse.jetty.ee8.servlet.FilterHolder;
import org.eclipse.jetty.ee8.servlet.ServletContextHandler;
import org.eclipse.jetty.ee8.servlet.ServletHolder;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** Embedded Jetty 12 (ee8: Servlet 4), the other container of the javax filter's tests. */
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
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
        context.setContextPath(CONTEXT);
        FilterHolder filterHolder = new FilterHolder(filter);
        filterHolder.setAsyncSupported(true);
        context.addFilter(filterHolder, "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR));
        ErrorPageErrorHandler errorPages = new ErrorPageErrorHandler();
        errorPages.addErrorPage(ErrorPageErrorHandler.GLOBAL_ERROR_PAGE, ERROR_PAGE);
        context.setErrorHandler(errorPages);
        ServletHolder servletHolder = new ServletHolder(servlet);
        servletHolder.setAsyncSupported(servletAsyncSupported);
        servletHolder.getRegistration().setMultipartConfig(TestServer.MULTIPART);
        context.addServlet(servletHolder, "/*");
        server.setHandler(context);
        server.start();
    }

    /** Jetty's ee8 WebSocket modules are not on Maven Central for Jetty 12.1. */
    @Override
    public boolean servesWebSockets() {
        return false;
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
        return "Jetty 12 ee8";
    }
}
