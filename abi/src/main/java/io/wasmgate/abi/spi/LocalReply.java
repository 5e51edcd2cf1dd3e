package io.wasmgate.abi.spi;

import io.wasmgate.abi.wire.HeaderField;
import java.util.List;
import java.util.OptionalInt;

/**
 * A response the host answers with instead of (or in place of) the upstream's: from
 * {@code proxy_send_local_response}, or the 503 of a failed plugin.
 *
 * @param status the HTTP status code
 * @param details the response-code details (whitespace replaced by {@code _}, as Envoy does), e.g.
 *     {@code wasm_fail_stream} for a plugin failure
 * @param body the body bytes
 * @param headers extra headers for the reply
 * @param grpcStatus the {@code grpc-status} to send for gRPC requests, if any
 */
public record LocalReply(int status, String details, byte[] body, List<HeaderField> headers, OptionalInt grpcStatus) {
    /** Response-code details of the reply sent when a plugin fails and its policy is fail-closed. */
    public static final String FAIL_STREAM_DETAILS = "wasm_fail_stream";

    public LocalReply {
        headers = List.copyOf(headers);
        body = body.clone();
    }

    /** Envoy's reply for a failed plugin: 503, empty body, gRPC UNAVAILABLE (14). */
    public static LocalReply failStream() {
        return new LocalReply(503, FAIL_STREAM_DETAILS, new byte[0], List.of(), OptionalInt.of(14));
    }

    /** {@code true} if this is the failure reply rather than one the plugin asked for. */
    public boolean isFailure() {
        return FAIL_STREAM_DETAILS.equals(details);
    }
}
