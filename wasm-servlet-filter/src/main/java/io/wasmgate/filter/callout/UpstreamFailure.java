package io.wasmgate.filter.callout;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.TimeoutException;

/**
 * Why a callout got no (complete) answer, with the short reason {@code proxy_get_status} gives the plugin.
 * Anything not recognised is a {@link #RESET}, as Envoy reports every failed callout.
 */
enum UpstreamFailure {
    /** Nothing listens at the cluster's address. */
    CONNECTION_REFUSED("connection refused"),
    /** No connection within the cluster's {@code connect_timeout}. */
    CONNECT_TIMEOUT("connect timeout"),
    /** The call's deadline passed (or the connection stayed idle too long). */
    TIMEOUT("timeout"),
    /** The cluster's connections were busy and {@code max_pending_requests} calls already waiting. */
    PENDING_OVERFLOW("pending overflow"),
    /** The cluster's host name does not resolve. */
    UNKNOWN_HOST("unknown host"),
    /** The response body is larger than the client buffers. */
    RESPONSE_TOO_LARGE("response too large"),
    /** The connection or stream was closed or reset before the answer was complete. */
    RESET("reset");

    /** How deep a cause chain (which could, in theory, loop) is searched. */
    static final int MAX_CAUSES = 16;

    private final String reason;

    UpstreamFailure(String reason) {
        this.reason = reason;
    }

    /** The reason the plugin reads, e.g. {@code "connection refused"}. */
    String reason() {
        return reason;
    }

    /** Classifies {@code failure} by the first cause in its chain that says more than "it failed". */
    static UpstreamFailure of(Throwable failure) {
        Throwable cause = failure;
        for (int depth = 0; cause != null && depth < MAX_CAUSES; depth++, cause = cause.getCause()) {
            if (cause instanceof ResponseTooLargeException) {
                return RESPONSE_TOO_LARGE;
            }
            if (cause instanceof ClusterTransport.PendingOverflowException) {
                return PENDING_OVERFLOW;
            }
            if (cause instanceof SocketTimeoutException) {
                return CONNECT_TIMEOUT;
            }
            if (cause instanceof ConnectException) {
                return CONNECTION_REFUSED;
            }
            if (cause instanceof TimeoutException) {
                return TIMEOUT;
            }
            if (cause instanceof UnknownHostException || cause instanceof UnresolvedAddressException) {
                return UNKNOWN_HOST;
            }
        }
        return RESET;
    }
}
