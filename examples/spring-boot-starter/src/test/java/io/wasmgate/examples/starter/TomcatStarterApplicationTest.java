package io.wasmgate.examples.starter;

import org.springframework.boot.web.embedded.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.WebServer;

/** The example application on Boot's default container, embedded Tomcat. */
class TomcatStarterApplicationTest extends StarterApplicationSpec {
    @Override
    protected Class<? extends WebServer> expectedWebServer() {
        return TomcatWebServer.class;
    }
}
