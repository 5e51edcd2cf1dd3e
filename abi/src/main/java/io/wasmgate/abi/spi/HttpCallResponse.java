package io.wasmgate.abi.spi;

import io.wasmgate.abi.wire.HeaderField;
import java.util.List;

/**
 * The answer to a {@code proxy_http_call}: headers (with {@code :status} first), body and trailers.
 * {@link HttpCallListener#onFailure} is used instead when no response arrived.
 */
public record HttpCallResponse(List<HeaderField> headers, byte[] body, List<HeaderField> trailers) {
    public HttpCallResponse {
        headers = List.copyOf(headers);
        trailers = List.copyOf(trailers);
        body = body.clone();
    }
}
