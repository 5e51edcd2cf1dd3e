package io.wasmgate.filter.testing;

import io.wasmgate.filter.HeaderFieldSource;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ReadListener;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.Part;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The application behind the filter. By path info:
 * <ul>
 *   <li>{@code /stream?chunks=N&delay=MS}: N lines, each flushed, MS apart;</li>
 *   <li>{@code /async}: answers from another thread in async mode;</li>
 *   <li>{@code /form}: answers {@code name=values} for each request parameter, one per line;</li>
 *   <li>{@code /header-names}: answers {@code name=values} for each request header, as named by
 *       {@code getHeaderNames()}, one per line;</li>
 *   <li>{@code /header-fields}: answers {@code name=value} for each field the request lists in one pass
 *       ({@link HeaderFieldSource}), one per line; 500 if the request is not one;</li>
 *   <li>{@code /declared-length}: declares a Content-Length of 5, writes {@code hello}, then tries one
 *       byte more (counted in {@link #overrunsRejected()} when the write fails);</li>
 *   <li>{@code /not-modified}: 304 with {@code ETag: "v1"}, no body and no declared length;</li>
 *   <li>{@code /trailers[?app=1]}: reads the body, answers {@code trailer=<x-checksum request trailer>},
 *       with the response trailer {@code x-app-trailer: yes} if asked;</li>
 *   <li>anything else: echoes what it saw (method, URI, path info, query, some headers, the body) as
 *       {@code key=value} lines, with response headers the policies edit and an explicit Content-Length.</li>
 * </ul>
 */
public final class ApplicationServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger overrunsRejected = new AtomicInteger();

    /** How many requests reached the application. */
    public int calls() {
        return calls.get();
    }

    /** How many writes past a declared Content-Length failed. */
    public int overrunsRejected() {
        return overrunsRejected.get();
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
        calls.incrementAndGet();
        String path = request.getPathInfo() == null ? "/" : request.getPathInfo();
        if (path.equals("/stream")) {
            stream(request, response);
        } else if (path.equals("/form")) {
            StringBuilder text = new StringBuilder();
            request.getParameterMap().forEach((name, values) -> text.append(name).append('=').append(String.join(",", values)).append('\n'));
            response.getWriter().write(text.toString());
        } else if (path.equals("/header-names")) {
            StringBuilder text = new StringBuilder();
            for (String name : Collections.list(request.getHeaderNames())) {
                text.append(name).append('=').append(String.join(",", Collections.list(request.getHeaders(name)))).append('\n');
            }
            response.getWriter().write(text.toString());
        } else if (path.equals("/header-fields")) {
            if (!(request instanceof HeaderFieldSource fields)) {
                response.sendError(500, "not a HeaderFieldSource: " + request.getClass().getName());
                return;
            }
            StringBuilder text = new StringBuilder();
            fields.forEachHeaderField((name, value) -> text.append(name).append('=').append(value).append('\n'));
            response.getWriter().write(text.toString());
        } else if (path.equals("/declared-length")) {
            response.setContentLength(5);
            OutputStream out = response.getOutputStream();
            out.write("hello".getBytes(StandardCharsets.US_ASCII));
            try {
                out.write('!');
            } catch (IOException e) {
                overrunsRejected.incrementAndGet();
            }
        } else if (path.equals("/upload")) {
            StringBuilder text = new StringBuilder();
            for (Part part : request.getParts()) {
                text.append(part.getName()).append('=').append(part.getSubmittedFileName()).append(':')
                        .append(new String(part.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).append('\n');
            }
            text.append("param.note=").append(request.getParameter("note")).append('\n');
            response.setContentType("text/plain");
            response.getWriter().write(text.toString());
        } else if (path.equals("/not-modified")) {
            response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            response.setHeader("ETag", "\"v1\"");
        } else if (path.equals("/send-error")) {
            response.setHeader("x-before-error", "set");
            response.sendError(404, "nothing here");
        } else if (path.equals("/throw")) {
            throw new IllegalStateException("the application broke");
        } else if (path.equals("/error-page")) {
            response.setContentType("text/plain");
            Object exception = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
            response.getWriter().write("error page for " + request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) + ": "
                    + (exception instanceof Throwable t ? t.getMessage() : request.getAttribute(RequestDispatcher.ERROR_MESSAGE)));
        } else if (path.equals("/nio-echo")) {
            nonBlockingEcho(request);
        } else if (path.equals("/ignore-body")) {
            response.setContentType("text/plain");
            response.getWriter().write("ignored the body");
        } else if (path.equals("/framing")) {
            framing(request, response);
        } else if (path.equals("/trailers")) {
            trailers(request, response);
        } else if (path.equals("/session")) {
            // The session's id and how often it was asked for: a URL-rewritten id must find the same session.
            HttpSession session = request.getSession();
            Integer visits = (Integer) session.getAttribute("visits");
            session.setAttribute("visits", visits == null ? 1 : visits + 1);
            response.setContentType("text/plain");
            response.getWriter().write(session.getId() + " " + session.getAttribute("visits"));
        } else if (path.equals("/async")) {
            AsyncContext async = request.startAsync();
            async.start(() -> {
                try {
                    async.getResponse().setContentType("text/plain");
                    async.getResponse().getOutputStream().write("async done".getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                } finally {
                    async.complete();
                }
            });
        } else {
            echo(request, response);
        }
    }

    private static void echo(HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] body = request.getInputStream().readAllBytes();
        StringBuilder text = new StringBuilder()
                .append("method=").append(request.getMethod()).append('\n')
                .append("uri=").append(request.getRequestURI()).append('\n')
                .append("path-info=").append(request.getPathInfo()).append('\n')
                .append("query=").append(request.getQueryString()).append('\n')
                .append("param.q=").append(request.getParameter("q")).append('\n');
        for (String name : new String[] {"x-added", "x-replace", "x-remove", "x-resumed"}) {
            text.append("header.").append(name).append('=').append(request.getHeader(name)).append('\n');
        }
        text.append("body=").append(new String(body, StandardCharsets.UTF_8)).append('\n');
        byte[] out = text.toString().getBytes(StandardCharsets.UTF_8);
        response.setContentType("text/plain;charset=utf-8");
        response.setHeader("x-resp-replace", "original");
        response.setHeader("x-resp-remove", "gone");
        response.setContentLength(out.length);
        response.getOutputStream().write(out);
    }

    /** Reads the body with a ReadListener and writes it back with a WriteListener, as reactive frameworks do. */
    private static void nonBlockingEcho(HttpServletRequest request) throws IOException {
        AsyncContext async = request.startAsync();
        ServletInputStream in = request.getInputStream();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        in.setReadListener(new ReadListener() {
            @Override
            public void onDataAvailable() throws IOException {
                byte[] buffer = new byte[1024];
                while (in.isReady() && !in.isFinished()) {
                    int n = in.read(buffer);
                    if (n > 0) {
                        body.write(buffer, 0, n);
                    }
                }
            }

            @Override
            public void onAllDataRead() throws IOException {
                ServletOutputStream out = async.getResponse().getOutputStream();
                out.setWriteListener(new WriteListener() {
                    @Override
                    public void onWritePossible() throws IOException {
                        if (out.isReady()) {
                            out.write(("echo:" + body.toString(StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
                            async.complete();
                        }
                    }

                    @Override
                    public void onError(Throwable failure) {
                        async.complete();
                    }
                });
            }

            @Override
            public void onError(Throwable failure) {
                async.complete();
            }
        });
    }

    /** How the body was framed for the application, before and after it read it, and the body. */
    private static void framing(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String before = "length-before=" + request.getContentLengthLong() + "\nheader.content-length="
                + request.getHeader("content-length") + "\nheader.transfer-encoding=" + request.getHeader("transfer-encoding");
        byte[] body = request.getInputStream().readAllBytes();
        String text = before + "\nlength-after=" + request.getContentLengthLong() + "\nbody=" + new String(body, StandardCharsets.UTF_8);
        response.setContentType("text/plain;charset=utf-8");
        response.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    }

    private static void trailers(HttpServletRequest request, HttpServletResponse response) throws IOException {
        request.getInputStream().readAllBytes();
        String checksum = request.getTrailerFields().get("x-checksum");
        if (request.getQueryString() != null && request.getQueryString().contains("app=1")) {
            response.setTrailerFields(() -> Map.of("x-app-trailer", "yes"));
        }
        response.setContentType("text/plain");
        response.getOutputStream().write(("trailer=" + checksum).getBytes(StandardCharsets.US_ASCII));
    }

    private static void stream(HttpServletRequest request, HttpServletResponse response) throws IOException {
        int chunks = Integer.parseInt(param(request, "chunks", "3"));
        long delay = Long.parseLong(param(request, "delay", "0"));
        response.setContentType("text/plain");
        OutputStream out = response.getOutputStream();
        for (int i = 0; i < chunks; i++) {
            out.write(("chunk " + i + "\n").repeat(64).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            if (delay > 0) {
                try {
                    // Part of the scenario: an application that streams its chunks ?delay= apart.
                    Thread.sleep(delay);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static String param(HttpServletRequest request, String name, String fallback) {
        String value = request.getParameter(name);
        return value == null ? fallback : value;
    }
}
