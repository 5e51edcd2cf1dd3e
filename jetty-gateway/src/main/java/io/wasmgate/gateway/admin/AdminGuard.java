package io.wasmgate.gateway.admin;

import io.wasmgate.gateway.config.AdminConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;

/**
 * What an admin request must show before it reaches an endpoint, so that a web page the operator happens to
 * visit cannot use the admin port through the browser:
 * <ul>
 *   <li>a {@code Host} that names the admin itself (its bind address, {@code localhost}, an
 *       {@code allowed_hosts} name; any IP address when bound to all interfaces), else 421: a DNS rebinding
 *       attack arrives with the attacker's own host name (an HTTP/1.0 request without {@code Host} passes:
 *       browsers always send one);</li>
 *   <li>with {@code token_file}, {@code Authorization: Bearer <token>} on every endpoint but {@code /ready},
 *       else 401;</li>
 *   <li>on a request that changes state (any method but GET and HEAD): no {@code Origin} other than the
 *       admin's own, else 403; and {@code Content-Type: application/json} or an empty body without a type,
 *       else 415, because a cross-site form or {@code text/plain} POST needs no CORS preflight.</li>
 * </ul>
 */
final class AdminGuard {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("\\[[0-9a-f:.]+(%[0-9a-z]+)?]");

    /** Why a request was turned away: the status and a line for the client. */
    record Refusal(int status, String reason) {}

    private final Set<String> hosts = new HashSet<>();
    private final boolean anyAddress;
    private final byte[] token;

    AdminGuard(AdminConfig config) {
        String bind = config.endpoint().host().toLowerCase(Locale.ROOT);
        anyAddress = bind.equals("0.0.0.0") || bind.equals("::") || bind.equals("[::]");
        hosts.add(bind.contains(":") && !bind.startsWith("[") ? "[" + bind + "]" : bind);
        hosts.add("localhost");
        hosts.addAll(config.allowedHosts());
        token = config.token() == null ? null : config.token().getBytes(StandardCharsets.UTF_8);
    }

    /** The reason to refuse {@code request} for {@code path}, or empty to let it through. */
    Optional<Refusal> check(Request request, String path) {
        String host = request.getHeaders().get(HttpHeader.HOST);
        if (host != null && !allowedHost(host) || request.getHttpURI().getHost() != null
                && !allowedHost(request.getHttpURI().getHost())) {
            return refuse(HttpStatus.MISDIRECTED_REQUEST_421, "this admin port does not answer to that Host");
        }
        if (token != null && !path.equals("/ready") && !bearerMatches(request.getHeaders().get(HttpHeader.AUTHORIZATION))) {
            return refuse(HttpStatus.UNAUTHORIZED_401, "Authorization: Bearer <token> required");
        }
        if (HttpMethod.GET.is(request.getMethod()) || HttpMethod.HEAD.is(request.getMethod())) {
            return Optional.empty();
        }
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (origin != null && (host == null || !origin.equalsIgnoreCase("http://" + host))) {
            return refuse(HttpStatus.FORBIDDEN_403, "cross-origin requests may not change the gateway");
        }
        if (!jsonOrEmpty(request)) {
            return refuse(HttpStatus.UNSUPPORTED_MEDIA_TYPE_415, "send Content-Type: application/json, or no body");
        }
        return Optional.empty();
    }

    private static Optional<Refusal> refuse(int status, String reason) {
        return Optional.of(new Refusal(status, reason));
    }

    /** {@code authority}, a {@code Host} value, without its port. */
    private boolean allowedHost(String authority) {
        String host = authority.trim().toLowerCase(Locale.ROOT);
        int colon = host.lastIndexOf(':');
        if (colon >= 0 && colon > host.lastIndexOf(']')) {
            host = host.substring(0, colon);
        }
        if (!host.startsWith("[") && host.contains(":")) {
            host = "[" + host + "]";
        }
        return hosts.contains(host) || anyAddress && (IPV4.matcher(host).matches() || IPV6.matcher(host).matches());
    }

    private boolean bearerMatches(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        // Constant time: how much of a guess matched must not show in the answer's timing.
        return MessageDigest.isEqual(token, authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8));
    }

    private static boolean jsonOrEmpty(Request request) {
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (type != null) {
            return type.split(";", 2)[0].trim().equalsIgnoreCase("application/json");
        }
        String length = request.getHeaders().get(HttpHeader.CONTENT_LENGTH);
        return !request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING) && (length == null || length.trim().equals("0"));
    }
}
