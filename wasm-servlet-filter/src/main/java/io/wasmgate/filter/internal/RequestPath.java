package io.wasmgate.filter.internal;

import io.wasmgate.filter.PathNormalizer;
import io.wasmgate.filter.PathParameters;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The {@code :path} a request's plugins see: its path normalised ({@link PathNormalizer}, as Envoy's
 * {@code normalize_path}) with the query as sent. The container maps a request on its decoded, normalised
 * path, so {@code /app/x/../admin}, {@code /app/%61dmin} and {@code /%61pp/admin} all reach the servlet of
 * {@code /app/admin}: the plugins must see that path too, or a policy guarding it would let them through.
 * The same holds for {@code ;} path parameters, which the container maps without ({@link PathParameters}).
 * A path the normaliser or the parameter setting refuses, or one with an empty segment (which Tomcat merges:
 * {@code /app//admin}), cannot be shown as the path the application gets; the request is refused with 400
 * before the plugins.
 */
final class RequestPath {
    private RequestPath() {}

    /**
     * {@code :path} for {@code request}.
     *
     * @throws IllegalArgumentException if the path is refused; the message says why
     */
    static String of(HttpServletRequest request, PathParameters parameters) {
        String path = parameters.apply(PathNormalizer.normalize(request.getRequestURI()));
        if (path.contains("//")) {
            throw new IllegalArgumentException("an empty segment");
        }
        String query = request.getQueryString();
        return query == null ? path : path + "?" + query;
    }

    /** Answers 400 with {@code reason}, as the gateway refuses such a path. */
    static void refuse(HttpServletResponse response, String reason) throws IOException {
        response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
        response.setContentType("text/plain;charset=utf-8");
        response.getOutputStream().write(("bad request path: " + reason + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
