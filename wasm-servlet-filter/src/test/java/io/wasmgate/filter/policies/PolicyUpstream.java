package io.wasmgate.filter.policies;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The services the policies call out to, on a real Jetty on a loopback port:
 * <ul>
 *   <li>{@code /check/...}: an authorization service deciding on the {@code authorization} header:
 *       {@code Bearer good} is allowed (200, {@code x-auth-user: alice}, {@code x-auth-ignored: yes});
 *       {@code Bearer slow} is answered after 3 s; {@code Bearer redirect} gets 302 to {@code /login};
 *       anything else 401 with {@code {"error":"not allowed"}}, {@code www-authenticate: Basic} and
 *       {@code x-authz-secret: internal};</li>
 *   <li>{@code /lists/<name>}: the text set with {@link #list}, or the status set with {@link #listStatus}
 *       (404 for a list never set);</li>
 *   <li>anything else: 404.</li>
 * </ul>
 * It records the requests it got ({@link Received}).
 */
final class PolicyUpstream implements AutoCloseable {
    /** One request as the upstream saw it: method, URI with query, headers (lower-case names). */
    record Received(String method, String uri, Map<String, String> headers) {}

    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server);
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, String> lists = new ConcurrentHashMap<>();
    private final Map<String, Integer> listStatus = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> listFetches = new ConcurrentHashMap<>();

    static PolicyUpstream start() throws Exception {
        PolicyUpstream upstream = new PolicyUpstream();
        upstream.connector.setHost("127.0.0.1");
        upstream.connector.setPort(0);
        upstream.server.addConnector(upstream.connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(upstream.new Service()), "/*");
        upstream.server.setHandler(context);
        upstream.server.start();
        return upstream;
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }

    List<Received> received() {
        return received;
    }

    /** The requests received whose URI starts with {@code prefix}. */
    List<Received> received(String prefix) {
        return received.stream().filter(r -> r.uri().startsWith(prefix)).collect(Collectors.toList());
    }

    /** What {@code /lists/<name>} answers from now on (with status 200). */
    void list(String name, String text) {
        lists.put(name, text);
        listStatus.put(name, 200);
    }

    /** {@code /lists/<name>} answers this status (and no list) from now on. */
    void listStatus(String name, int status) {
        listStatus.put(name, status);
    }

    /** How many times {@code /lists/<name>} was asked for. */
    int listFetches(String name) {
        return listFetches.computeIfAbsent(name, n -> new AtomicInteger()).get();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    private final class Service extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String uri = request.getRequestURI() + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
            Map<String, String> headers = Collections.list(request.getHeaderNames()).stream()
                    .collect(Collectors.toMap(String::toLowerCase, request::getHeader, (a, b) -> a));
            received.add(new Received(request.getMethod(), uri, headers));
            if (request.getRequestURI().startsWith("/check/")) {
                check(request, response);
            } else if (request.getRequestURI().startsWith("/lists/")) {
                String name = request.getRequestURI().substring("/lists/".length());
                listFetches.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
                int status = listStatus.getOrDefault(name, 404);
                response.setStatus(status);
                response.setContentType("text/plain");
                response.getOutputStream().write((status == 200 ? lists.get(name) : "unavailable").getBytes(StandardCharsets.UTF_8));
            } else {
                response.sendError(404);
            }
        }

        private void check(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String authorization = String.valueOf(request.getHeader("authorization"));
            switch (authorization) {
                case "Bearer good" -> {
                    response.setHeader("x-auth-user", "alice");
                    response.setHeader("x-auth-ignored", "yes");
                    response.setStatus(200);
                }
                case "Bearer slow" -> {
                    try {
                        // Part of the scenario: an authorization service slower than the policy's timeout.
                        Thread.sleep(3000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    response.setStatus(200);
                }
                case "Bearer redirect" -> {
                    response.setStatus(302);
                    response.setHeader("location", "/login");
                }
                default -> {
                    response.setStatus(401);
                    response.setContentType("application/json");
                    response.setHeader("www-authenticate", "Basic realm=\"authz\"");
                    response.setHeader("x-authz-secret", "internal");
                    response.getOutputStream().write("{\"error\":\"not allowed\"}".getBytes(StandardCharsets.UTF_8));
                }
            }
        }
    }
}
