package io.wasmgate.boot;

import org.springframework.boot.web.embedded.jetty.JettyWebServer;
import org.springframework.boot.web.server.WebServer;

/** The Spring Boot application specification on embedded Jetty. */
class JettyBootTest extends BootApplicationSpec {
    @Override
    protected Class<? extends WebServer> expectedWebServer() {
        return JettyWebServer.class;
    }
}
