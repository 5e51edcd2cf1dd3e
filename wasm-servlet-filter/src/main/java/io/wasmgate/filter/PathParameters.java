package io.wasmgate.filter;

/**
 * What becomes of {@code ;} path parameters ({@code /app;v=1/admin}, {@code /page;jsessionid=...}) before the
 * plugins see a path: the {@code path_parameters} setting. Servlet containers (Tomcat, Jetty, Undertow) map
 * a request on its path without them, so {@code /app;x/admin} reaches the servlet of {@code /app/admin}; a
 * policy guarding {@code /app/admin} must see that path, or a client adding a parameter walks past it.
 */
public enum PathParameters {
    /**
     * Removed from every segment: the plugins, and after them the application or the upstream, get the path
     * a servlet container maps. The default. A segment that is only a parameter ({@code /a/;x/b}) is refused,
     * since the path left would have an empty segment, which containers merge away.
     */
    STRIP,
    /** A path carrying one is refused (400) before the plugins, as Spring Security's firewall does by default. */
    REJECT,
    /**
     * Kept in their segments, as Envoy does. Only for applications and upstreams that do not map a path
     * without its parameters (no Java servlet container): otherwise a policy matching {@code /admin} misses
     * {@code /admin;x}, which the application serves as {@code /admin}.
     */
    KEEP;

    /**
     * {@code path}, normalised by {@link PathNormalizer#normalize} (so no segment is a dot segment with a
     * parameter), as the plugins see it.
     *
     * @throws IllegalArgumentException if the path is refused; the message says why
     */
    public String apply(String path) {
        if (this == KEEP || path.indexOf(';') < 0) {
            return path;
        }
        if (this == REJECT) {
            throw new IllegalArgumentException("a path parameter");
        }
        StringBuilder stripped = new StringBuilder(path.length());
        int from = 0;
        for (int semicolon = path.indexOf(';'); semicolon >= 0; semicolon = path.indexOf(';', from)) {
            int slash = path.indexOf('/', semicolon);
            if (path.charAt(semicolon - 1) == '/' && slash >= 0) {
                throw new IllegalArgumentException("an empty segment with a path parameter");
            }
            stripped.append(path, from, semicolon);
            from = slash < 0 ? path.length() : slash;
        }
        return stripped.append(path, from, path.length()).toString();
    }
}
