package io.wasmgate.abi.spi;

import io.wasmgate.abi.wire.HeaderField;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A {@code proxy_http_call} as the guest made it.
 *
 * @param cluster the upstream cluster name (Envoy semantics: a configured cluster, never a raw address)
 * @param headers request headers including the pseudo-headers {@code :method}, {@code :path},
 *     {@code :authority} (always present) and optionally {@code :scheme}
 * @param body request body bytes
 * @param trailers request trailers
 * @param timeout how long the plugin lets the whole call take; {@link Duration#ZERO} means the plugin set
 *     no limit (the integration may still apply its own, such as the cluster's timeout)
 */
public record HttpCallRequest(String cluster, List<HeaderField> headers, byte[] body, List<HeaderField> trailers, Duration timeout) {
    public HttpCallRequest {
        headers = List.copyOf(headers);
        trailers = List.copyOf(trailers);
        body = body.clone();
    }

    /** The first value of a header (pseudo-headers included). */
    public Optional<String> header(String name) {
        return headers.stream().filter(field -> field.name().equals(name)).map(HeaderField::value).findFirst();
    }
}
