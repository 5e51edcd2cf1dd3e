package io.wasmgate.filter.internal;

import io.wasmgate.abi.spi.Headers;
import java.time.Instant;
import java.util.Optional;

/**
 * What {@link ExchangeAttributes} reads of an exchange, recorded by its run as it goes: the request
 * headers, the body bytes read from the client, the response as sent, the run's code details and when it
 * finished. The attributes hold this rather than the run, so an attribute read cannot reach the run's
 * state. Plugins read attributes from any thread (ticks, callouts): what changes is volatile.
 */
final class ExchangeFacts {
    private final Headers requestHeaders;
    private final ResponseSink sink;
    private volatile long requestBytesRead;
    private volatile String codeDetails = "via_upstream";
    private volatile Instant finishedAt;
    private volatile Headers statusOnly;

    ExchangeFacts(Headers requestHeaders, ResponseSink sink) {
        this.requestHeaders = requestHeaders;
        this.sink = sink;
    }

    Headers requestHeaders() {
        return requestHeaders;
    }

    long requestBytesRead() {
        return requestBytesRead;
    }

    /** Only the driver reads the client's body, so the sum needs no lock. */
    void addRequestBytes(int n) {
        requestBytesRead += n;
    }

    long responseBytesWritten() {
        return sink.written();
    }

    /**
     * The response headers as sent; where none went out through the plugins (an upgrade, the container's
     * error page, the 500 for a failed application), the status the container sent.
     */
    Optional<Headers> responseHeaders() {
        Headers sent = sink.headers();
        return Optional.ofNullable(sent != null ? sent : statusOnly);
    }

    String codeDetails() {
        return codeDetails;
    }

    void codeDetails(String details) {
        codeDetails = details;
    }

    /** {@code true} once the exchange is over. */
    boolean ended() {
        return finishedAt != null;
    }

    Optional<Instant> finishedAt() {
        return Optional.ofNullable(finishedAt);
    }

    /**
     * The exchange is over, and {@code containerStatus} (or {@code -1}) is the status the container sends
     * for a response the plugins did not see.
     */
    void finished(int containerStatus) {
        if (containerStatus >= 0) {
            statusOnly = new Headers().add(":status", Integer.toString(containerStatus));
        }
        finishedAt = Instant.now();
    }
}
