package io.wasmgate.filter.callout;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * A named upstream that plugins call out to ({@code clusters} in the configuration contract): the name a
 * plugin passes to {@code proxy_http_call} or {@code proxy_grpc_call}, and how to reach it.
 *
 * @param name the name plugins use; not blank
 * @param url where the cluster lives: {@code http} or {@code https}, a host, an optional port, nothing else
 *     (no path, query, fragment or user info: the plugin's {@code :path} is the whole path)
 * @param http2 {@code true} for HTTP/2 with prior knowledge (h2c); required for gRPC. Only with {@code http}
 *     URLs: h2 over TLS needs ALPN, which this client does not carry
 * @param connectTimeout how long a call may wait for a connection (a new one, or a free one of the
 *     cluster's {@code maxConnections}); positive
 * @param timeout the longest a call may take; a plugin may ask for less, not more. {@link Duration#ZERO}
 *     means no limit beyond the plugin's own
 * @param maxConnections connections opened to the cluster at most; calls beyond them wait (HTTP/1.1) or
 *     share them (HTTP/2 streams)
 * @param maxPendingRequests requests that may wait for a connection at once (Envoy's circuit-breaker
 *     name); one more fails at once instead of waiting. At least 1
 * @param tls how an {@code https} cluster checks its upstream's certificate; {@link ClusterTls#NONE} (also for
 *     {@code null}) is the JDK's trust store and the URL's host. Only the defaults with {@code http} URLs
 */
public record Cluster(String name, URI url, boolean http2, Duration connectTimeout, Duration timeout, int maxConnections,
        int maxPendingRequests, ClusterTls tls) {
    /** What the configuration contract defaults to for {@code connect_timeout}. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** What the configuration contract defaults to for {@code timeout}. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** What the configuration contract defaults to for {@code max_connections}. */
    public static final int DEFAULT_MAX_CONNECTIONS = 256;
    /** What the configuration contract defaults to for {@code max_pending_requests} (Envoy's default). */
    public static final int DEFAULT_MAX_PENDING_REQUESTS = 1024;

    /** @throws IllegalArgumentException naming the cluster and the field that is wrong */
    public Cluster {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(timeout, "timeout");
        tls = tls == null ? ClusterTls.NONE : tls;
        if (name.isBlank()) {
            throw new IllegalArgumentException("a cluster needs a name");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
            throw invalid(name, "url", url + " is not an http:// or https:// URL with a host");
        }
        boolean bare = (url.getRawPath() == null || url.getRawPath().isEmpty() || url.getRawPath().equals("/"))
                && url.getRawQuery() == null && url.getRawFragment() == null && url.getRawUserInfo() == null;
        if (!bare) {
            throw invalid(name, "url", url + " has a path, query, fragment or user info; a cluster URL names a host");
        }
        if (http2 && scheme.equals("https")) {
            throw invalid(name, "http2", "HTTP/2 is supported over cleartext (h2c) only, not with " + url);
        }
        if (tls.isSet() && !scheme.equals("https")) {
            throw invalid(name, "tls", "applies to https:// URLs only, not to " + url);
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw invalid(name, "connect_timeout", connectTimeout + " is not positive");
        }
        if (timeout.isNegative()) {
            throw invalid(name, "timeout", timeout + " is negative");
        }
        if (maxConnections < 1) {
            throw invalid(name, "max_connections", maxConnections + " is less than 1");
        }
        if (maxPendingRequests < 1) {
            throw invalid(name, "max_pending_requests", maxPendingRequests + " is less than 1");
        }
    }

    /** A cluster with the contract's default {@code max_pending_requests} and {@link ClusterTls#NONE TLS settings}. */
    public Cluster(String name, URI url, boolean http2, Duration connectTimeout, Duration timeout, int maxConnections) {
        this(name, url, http2, connectTimeout, timeout, maxConnections, DEFAULT_MAX_PENDING_REQUESTS, ClusterTls.NONE);
    }

    /** A cluster with the default {@link ClusterTls#NONE TLS settings}. */
    public Cluster(String name, URI url, boolean http2, Duration connectTimeout, Duration timeout, int maxConnections,
            int maxPendingRequests) {
        this(name, url, http2, connectTimeout, timeout, maxConnections, maxPendingRequests, ClusterTls.NONE);
    }

    /** A cluster with the contract's default {@code max_pending_requests}. */
    public Cluster(String name, URI url, boolean http2, Duration connectTimeout, Duration timeout, int maxConnections,
            ClusterTls tls) {
        this(name, url, http2, connectTimeout, timeout, maxConnections, DEFAULT_MAX_PENDING_REQUESTS, tls);
    }

    /** An HTTP/1.1 cluster with the contract's default timeouts and connection and queue limits. */
    public static Cluster of(String name, URI url) {
        return new Cluster(name, url, false, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, DEFAULT_MAX_CONNECTIONS,
                DEFAULT_MAX_PENDING_REQUESTS, ClusterTls.NONE);
    }

    /** An h2c cluster with the contract's default timeouts and connection and queue limits. */
    public static Cluster http2(String name, URI url) {
        return new Cluster(name, url, true, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, DEFAULT_MAX_CONNECTIONS,
                DEFAULT_MAX_PENDING_REQUESTS, ClusterTls.NONE);
    }

    /**
     * How long a call that asked for {@code requested} may take: the shorter of the request's and the
     * cluster's timeouts, where {@link Duration#ZERO} on either side means "no limit"; zero if neither limits it.
     */
    public Duration deadline(Duration requested) {
        if (requested.isZero()) {
            return timeout;
        }
        if (timeout.isZero()) {
            return requested;
        }
        return requested.compareTo(timeout) < 0 ? requested : timeout;
    }

    /** The lower-case scheme of {@link #url()}. */
    String scheme() {
        return url.getScheme().toLowerCase(Locale.ROOT);
    }

    /** The port of {@link #url()}, or the scheme's default. */
    int port() {
        if (url.getPort() != -1) {
            return url.getPort();
        }
        return scheme().equals("https") ? 443 : 80;
    }

    private static IllegalArgumentException invalid(String name, String field, String reason) {
        return new IllegalArgumentException("cluster '" + name + "': " + field + ": " + reason);
    }
}
