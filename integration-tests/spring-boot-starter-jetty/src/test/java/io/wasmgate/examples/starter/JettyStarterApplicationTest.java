package io.wasmgate.examples.starter;

import org.springframework.boot.web.embedded.jetty.JettyWebServer;
import org.springframework.boot.web.server.WebServer;

/** The starter example on embedded Jetty, at Boot's Jetty, Jackson and Micrometer versions. */
class JettyStarterApplicationTest extends StarterApplicationSpec {
    @Override
    protected Class<? extends WebServer> expectedWebServer() {
        return JettyWebServer.class;
    }
}
