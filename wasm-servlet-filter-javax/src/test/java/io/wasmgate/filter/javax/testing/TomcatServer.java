package io.wasmgate.filter.javax.testing;

import javax.servlet.Filter;
import javax.servlet.http.HttpServlet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.coyote.http2.Http2Protocol;
import org.apache.tomcat.util.descriptor.web.ErrorPage;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.apache.tomcat.websocket.server.WsSci;

/** Embedded Tomcat 9.0, the Servlet 4 container of the javax filter's tests. */
public final class TomcatServer implements TestServer {
    private Tomcat tomcat;
    private Connector connector;

    /** A Tomcat with one loopback connector and a temporary base directory, not started. */
    /** Deploys {@code war} at {@code path}: this build's test class path offers the WAR no other server's initializers. */
    public static Context deployWar(Tomcat tomcat, String path, Path war) {
        return tomcat.addWebapp(path, war.toAbsolutePath().toString());
    }

    public static Tomcat newTomcat() throws Exception {
        Tomcat tomcat = new Tomcat();
        Path base = Files.createTempDirectory("tomcat");
        tomcat.setBaseDir(base.toString());
        tomcat.getHost().setAppBase(base.toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        return tomcat;
    }

    @Override
    public void start(Filter filter, HttpServlet servlet, boolean servletAsyncSupported, boolean h2c) throws Exception {
        tomcat = newTomcat();
        connector = tomcat.getConnector();
        if (h2c) {
            connector.addUpgradeProtocol(new Http2Protocol());
        }
        connector.setProperty("allowedTrailerHeaders", "x-checksum");
        Context context = tomcat.addContext(CONTEXT, Files.createTempDirectory("docs").toString());
        Wrapper wrapper = Tomcat.addServlet(context, "app", servlet);
        wrapper.setAsyncSupported(servletAsyncSupported);
        wrapper.setMultipartConfigElement(TestServer.MULTIPART);
        wrapper.addMapping("/*");
        FilterDef def = new FilterDef();
        def.setFilterName("wasm");
        def.setFilter(filter);
        def.setAsyncSupported("true");
        context.addFilterDef(def);
        FilterMap map = new FilterMap();
        map.setFilterName("wasm");
        map.addURLPattern("/*");
        map.setDispatcher("REQUEST");
        map.setDispatcher("ASYNC");
        map.setDispatcher("ERROR");
        ErrorPage errorPage = new ErrorPage();
        errorPage.setLocation(ERROR_PAGE);
        context.addErrorPage(errorPage);
        context.addFilterMap(map);
        context.addServletContainerInitializer(new WsSci(), Set.of(EchoEndpoint.class));
        tomcat.start();
    }

    @Override
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void stop() throws Exception {
        if (tomcat != null) {
            tomcat.stop();
            tomcat.destroy();
        }
    }

    @Override
    public String toString() {
        return "Tomcat 9.0";
    }
}
