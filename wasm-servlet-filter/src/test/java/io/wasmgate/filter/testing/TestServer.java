package io.wasmgate.filter.testing;

import jakarta.servlet.Filter;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.http.HttpServlet;
import java.net.URI;

/** An embedded servlet container on a loopback port: one filter on {@code /*} (REQUEST and ASYNC) in front of one servlet. */
public interface TestServer {
    /** The application servlet's multipart limits: 64 KiB a file, 128 KiB a request, parts over 1 KiB on disk. */
    MultipartConfigElement MULTIPART = new MultipartConfigElement("", 64 * 1024, 128 * 1024, 1024);

    /** The context path every test server uses. */
    String CONTEXT = "/app";

    /** The context's error page for every status and exception: the application's {@code /error-page}. */
    String ERROR_PAGE = "/error-page";

    /** {@code true} if the container serves the WebSocket endpoint {@link EchoEndpoint} at {@code /app/ws}. */
    default boolean servesWebSockets() {
        return true;
    }

    /** Starts {@code filter} (async-supported) in front of {@code servlet} (async-supported if asked) under {@link #CONTEXT}. */
    default void start(Filter filter, HttpServlet servlet, boolean servletAsyncSupported) throws Exception {
        start(filter, servlet, servletAsyncSupported, false);
    }

    /** As {@link #start(Filter, HttpServlet, boolean)}, speaking h2c (prior knowledge and upgrade) too if {@code h2c}. */
    void start(Filter filter, HttpServlet servlet, boolean servletAsyncSupported, boolean h2c) throws Exception;

    /** The port it listens on (127.0.0.1). */
    int port();

    /** {@code http://127.0.0.1:<port><path>}. */
    default URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    /** Stops the container (destroying the filter). */
    void stop() throws Exception;
}
