package io.wasmgate.filter.callout;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A real Jetty upstream on a loopback ephemeral port, speaking HTTP/1.1 and h2c on the same port.
 *
 * <ul>
 *   <li>{@code /echo}: 200; the body it got; headers {@code x-method}, {@code x-host} (the Host header, or
 *       the HTTP/2 authority's host), {@code x-user},
 *       {@code x-protocol}, {@code x-content-length}, {@code x-content-type}, {@code x-user-agent},
 *       {@code x-request-trailer} ({@code null} for a header the request did not have); trailer {@code x-trailer: done}
 *   <li>{@code /status/N}: status N, body {@code boom}
 *   <li>{@code /slow?ms=N}: answers {@code slow} after N ms
 *   <li>{@code /answer/X}: answers {@code answer-X}
 *   <li>{@code /gated/X}: counts itself in {@link #waiting()}, then answers {@code answer-X} once the test
 *       {@link #openGate() opens the gate}
 *   <li>{@code /big?bytes=N}: N bytes of {@code x}
 * </ul>
 */
final class HttpUpstream implements AutoCloseable {
    private final Server server;
    private final ServerConnector connector;
    private final UpstreamServlet servlet;

    private HttpUpstream(Server server, ServerConnector connector, UpstreamServlet servlet) {
        this.server = server;
        this.connector = connector;
        this.servlet = servlet;
    }

    static HttpUpstream start() throws Exception {
        Server server = new Server();
        HttpConfiguration config = new HttpConfiguration();
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(config),
                new HTTP2CServerConnectionFactory(config));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        UpstreamServlet servlet = new UpstreamServlet();
        context.addServlet(new ServletHolder(servlet), "/*");
        server.setHandler(context);
        server.start();
        return new HttpUpstream(server, connector, servlet);
    }

    /** How many {@code /gated} requests are waiting for the gate. */
    int waiting() {
        return servlet.waiting.get();
    }

    /** Lets every {@code /gated} request, waiting or to come, answer. */
    void openGate() {
        servlet.gate.countDown();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("the upstream did not stop", e);
        }
    }

    private static final class UpstreamServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient CountDownLatch gate = new CountDownLatch(1);
        private final AtomicInteger waiting = new AtomicInteger();

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String path = request.getRequestURI();
            if (path.equals("/echo")) {
                echo(request, response);
            } else if (path.startsWith("/status/")) {
                response.setStatus(Integer.parseInt(path.substring("/status/".length())));
                response.getOutputStream().write("boom".getBytes(StandardCharsets.US_ASCII));
            } else if (path.equals("/slow")) {
                // Part of the scenario: an upstream that takes ?ms= to answer, on purpose.
                pause(Long.parseLong(request.getParameter("ms")));
                response.getOutputStream().write("slow".getBytes(StandardCharsets.US_ASCII));
            } else if (path.startsWith("/answer/")) {
                response.getOutputStream().write(("answer-" + path.substring("/answer/".length())).getBytes(StandardCharsets.US_ASCII));
            } else if (path.startsWith("/gated/")) {
                waiting.incrementAndGet();
                awaitGate();
                response.getOutputStream().write(("answer-" + path.substring("/gated/".length())).getBytes(StandardCharsets.US_ASCII));
            } else if (path.equals("/big")) {
                byte[] block = "x".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
                for (long left = Long.parseLong(request.getParameter("bytes")); left > 0; left -= block.length) {
                    response.getOutputStream().write(block, 0, (int) Math.min(block.length, left));
                }
            } else {
                response.sendError(404);
            }
        }

        private static void echo(HttpServletRequest request, HttpServletResponse response) throws IOException {
            byte[] body = request.getInputStream().readAllBytes();
            response.setHeader("x-method", request.getMethod());
            String host = request.getHeader("host");
            response.setHeader("x-host", host != null ? host : request.getServerName());
            response.setHeader("x-user", String.valueOf(request.getHeader("x-user")));
            response.setHeader("x-protocol", request.getProtocol());
            response.setHeader("x-content-length", String.valueOf(request.getHeader("content-length")));
            response.setHeader("x-content-type", String.valueOf(request.getHeader("content-type")));
            response.setHeader("x-user-agent", String.valueOf(request.getHeader("user-agent")));
            response.setHeader("x-request-trailer", String.valueOf(request.getTrailerFields().get("x-checksum")));
            response.setTrailerFields(() -> Map.of("x-trailer", "done"));
            response.getOutputStream().write(body);
        }

        private void awaitGate() {
            try {
                if (!gate.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the gate stayed closed");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static void pause(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
