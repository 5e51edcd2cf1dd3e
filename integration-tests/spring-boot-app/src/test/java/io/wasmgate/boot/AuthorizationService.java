package io.wasmgate.boot;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;

/** The authorization service ext-authz asks: allows every request as user {@value #USER}. */
final class AuthorizationService implements AutoCloseable {
    static final String USER = "ada";

    private final HttpServer server;

    private AuthorizationService(HttpServer server) {
        this.server = server;
    }

    static AuthorizationService start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.getResponseHeaders().add("x-auth-user", USER);
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        return new AuthorizationService(server);
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
