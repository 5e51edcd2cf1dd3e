package io.wasmgate.abi.spi;

import io.wasmgate.abi.wire.PropertyValue;
import io.wasmgate.abi.wire.StreamType;
import java.util.Optional;

/**
 * What an integration (the servlet filter, the gateway, a test) implements for one HTTP stream: the
 * effects a plugin asks for, and the attributes only the integration knows.
 *
 * <p>The host calls the effect methods ({@link #continueStream}, {@link #closeStream},
 * {@link #sendLocalReply}) after the VM call that asked for them has returned (never from inside the
 * guest) and after it released the stream's VM lock, so an implementation may call its container (e.g.
 * re-dispatch a paused request) there. They arrive in the order the plugin asked for them, one at a time,
 * normally on the thread that drove the callback or delivered the async event (a tick, a callout
 * response), before the host method it called returns; if another thread is making the same VM's calls
 * at that moment, that thread makes them. {@link #attribute} is asked from inside a hostcall, under the VM
 * lock. Implementations must not block.
 */
public interface HttpExchange {
    /**
     * Resumes the direction a plugin paused ({@code proxy_continue_stream}, or the 0.1.0
     * {@code proxy_continue_request}/{@code proxy_continue_response}).
     */
    void continueStream(StreamType direction);

    /** Resets the stream ({@code proxy_close_stream}). */
    void closeStream(StreamType direction);

    /**
     * Answers the client with {@code reply}. In the request phase the upstream is never called; in the
     * response phase it replaces the response if nothing is committed yet (else the stream is reset).
     */
    void sendLocalReply(LocalReply reply);

    /**
     * An attribute the integration serves, by its Envoy name such as {@code source.address},
     * {@code request.protocol}, {@code request.time}, {@code connection.tls_version}.
     * The host itself serves {@code plugin_*}, the {@code request.*} attributes derived from request
     * headers and the {@code response.*} ones derived from response headers; anything it does not know
     * is asked here. Empty means "not available" ({@code NOT_FOUND} to the guest).
     */
    default Optional<PropertyValue> attribute(String name) {
        return Optional.empty();
    }
}
