package io.wasmgate.filter;

import jakarta.servlet.http.HttpServletRequest;

/**
 * The authority of a request as the plugins see it in {@code :authority}: its {@code Host}, or for a request
 * without one (HTTP/2, which names it in {@code :authority}; HTTP/1.0) the server name and port it reached,
 * the port left out when it is the scheme's default. An integration that writes the authority into the
 * request it forwards ({@code Host}, {@code X-Forwarded-Host}) takes it from here, so what the next hop gets
 * is what the plugins saw.
 */
public final class RequestAuthority {
    private RequestAuthority() {}

    /** The authority of {@code request} (read through the request as it is, plugins' edits included). */
    public static String of(HttpServletRequest request) {
        String host = request.getHeader("host");
        if (host != null && !host.isEmpty()) {
            return host;
        }
        int port = request.getServerPort();
        boolean defaultPort = port <= 0 || (port == 80 && "http".equals(request.getScheme()))
                || (port == 443 && "https".equals(request.getScheme()));
        return defaultPort ? request.getServerName() : request.getServerName() + ":" + port;
    }
}
