package io.wasmgate.gateway.policies;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Everything the example configurations call, on one real Jetty on a loopback port: the backend, the
 * authorization service and the list server.
 * <ul>
 *   <li>{@code GET /users...}: a JSON user with a password and an SSN ({@link #USER});</li>
 *   <li>{@code /authz/...}: allows {@code Authorization: Bearer good} (200, {@code x-auth-user: alice}),
 *       refuses anything else (401 {@code {"error":"not allowed"}}, {@code www-authenticate: Basic});</li>
 *   <li>{@code /deny-list.txt}: the text set with {@link #denyList};</li>
 *   <li>anything else: what it saw as {@code key=value} lines ({@code method}, {@code uri}, one
 *       {@code header.<name>} per header, {@code body}), with {@code x-powered-by: backend}.</li>
 * </ul>
 */
final class Backend implements AutoCloseable {
    static final String USER = "{\"name\":\"Ada\",\"email\":\"ada@example.com\",\"password\":\"hunter2\",\"profile\":{\"ssn\":\"123-45-6789\"}}";

    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server);
    private final AtomicReference<String> denyList = new AtomicReference<>("");
    private final AtomicInteger served = new AtomicInteger();

    static Backend start() throws Exception {
        Backend backend = new Backend();
        backend.connector.setHost("127.0.0.1");
        backend.connector.setPort(0);
        backend.server.addConnector(backend.connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(backend.new Service()), "/*");
        backend.server.setHandler(context);
        backend.server.start();
        return backend;
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }

    /** What {@code /deny-list.txt} answers from now on. */
    void denyList(String text) {
        denyList.set(text);
    }

    /** Requests the backend answered as the backend (not as authorization service or list server). */
    int served() {
        return served.get();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    private final class Service extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String path = request.getRequestURI();
            if (path.startsWith("/authz/")) {
                if ("Bearer good".equals(request.getHeader("authorization"))) {
                    response.setHeader("x-auth-user", "alice");
                } else {
                    response.setStatus(401);
                    response.setContentType("application/json");
                    response.setHeader("www-authenticate", "Basic realm=\"backend\"");
                    response.getOutputStream().write("{\"error\":\"not allowed\"}".getBytes(StandardCharsets.UTF_8));
                }
                return;
            }
            if (path.equals("/deny-list.txt")) {
                response.setContentType("text/plain");
                response.getOutputStream().write(denyList.get().getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (path.startsWith("/users") && request.getMethod().equals("GET") || path.startsWith("/api/users") && request.getMethod().equals("GET")) {
                served.incrementAndGet();
                response.setContentType("application/json");
                response.getOutputStream().write(USER.getBytes(StandardCharsets.UTF_8));
                return;
            }
            byte[] body = request.getInputStream().readAllBytes();
            served.incrementAndGet();
            StringBuilder text = new StringBuilder()
                    .append("method=").append(request.getMethod()).append('\n')
                    .append("uri=").append(path).append(request.getQueryString() == null ? "" : "?" + request.getQueryString()).append('\n');
            for (String name : Collections.list(request.getHeaderNames())) {
                text.append("header.").append(name.toLowerCase()).append('=').append(request.getHeader(name)).append('\n');
            }
            text.append("body=").append(new String(body, StandardCharsets.UTF_8)).append('\n');
            response.setContentType("text/plain;charset=utf-8");
            response.setHeader("x-powered-by", "backend");
            response.getOutputStream().write(text.toString().getBytes(StandardCharsets.UTF_8));
        }
    }
}
