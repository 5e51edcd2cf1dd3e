package io.wasmgate.filter.policies;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The application behind the policies. By path info:
 * <ul>
 *   <li>{@code /json}: a JSON user record with secrets ({@code password}, {@code ssn}, nested and in a list)
 *       for redaction, {@code application/json}, with Content-Length;</li>
 *   <li>{@code /status/N}: status N, body {@code status N};</li>
 *   <li>anything else: what it saw, as {@code key=value} lines: {@code method}, {@code uri},
 *       {@code query}, one {@code header.<name>} line per request header (values joined with {@code ,}), and
 *       the {@code body}; with a response header {@code x-powered-by: policy-app}.</li>
 * </ul>
 */
final class PolicyApp extends HttpServlet {
    private static final long serialVersionUID = 1L;

    static final String USER_JSON = """
            {"id": 7, "name": "Ada", "password": "hunter2",
             "profile": {"ssn": "123-45-6789", "city": "London", "note": "password is not a key here"},
             "accounts": [{"iban": "GB00", "password": "p1"}, {"iban": "GB01", "password": {"old": "p0"}}]}""";

    private final AtomicInteger served = new AtomicInteger();

    /**
     * How many requests the application served: a request whose body could not be read (because a
     * policy refused it while the application was reading) is not counted.
     */
    int calls() {
        return served.get();
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo() == null ? "/" : request.getPathInfo();
        if (path.equals("/json")) {
            byte[] body = USER_JSON.getBytes(StandardCharsets.UTF_8);
            response.setContentType("application/json");
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
            served.incrementAndGet();
            return;
        }
        if (path.startsWith("/status/")) {
            int status = Integer.parseInt(path.substring("/status/".length()));
            response.setStatus(status);
            response.setContentType("text/plain");
            response.getOutputStream().write(("status " + status).getBytes(StandardCharsets.US_ASCII));
            served.incrementAndGet();
            return;
        }
        byte[] body = request.getInputStream().readAllBytes();
        served.incrementAndGet();
        StringBuilder text = new StringBuilder()
                .append("method=").append(request.getMethod()).append('\n')
                .append("uri=").append(request.getRequestURI()).append('\n')
                .append("query=").append(request.getQueryString()).append('\n');
        for (String name : Collections.list(request.getHeaderNames())) {
            text.append("header.").append(name.toLowerCase()).append('=')
                    .append(String.join(",", Collections.list(request.getHeaders(name)))).append('\n');
        }
        text.append("body=").append(new String(body, StandardCharsets.UTF_8)).append('\n');
        byte[] out = text.toString().getBytes(StandardCharsets.UTF_8);
        response.setContentType("text/plain;charset=utf-8");
        response.setHeader("x-powered-by", "policy-app");
        response.setContentLength(out.length);
        response.getOutputStream().write(out);
    }
}
