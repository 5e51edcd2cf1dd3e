package io.wasmgate.boot;

import org.springframework.boot.web.embedded.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.WebServer;

/** The Spring Boot application specification on embedded Tomcat. */
class TomcatBootTest extends BootApplicationSpec {
    @Override
    protected Class<? extends WebServer> expectedWebServer() {
        return TomcatWebServer.class;
    }
}
