package io.wasmgate.abi.spi;

import io.wasmgate.abi.wire.HeaderField;
import java.time.Duration;
import java.util.List;

/**
 * A gRPC call or stream a plugin opens ({@code proxy_grpc_call}, {@code proxy_grpc_stream}).
 *
 * @param cluster the upstream cluster name
 * @param service the fully qualified service, e.g. {@code envoy.service.ratelimit.v3.RateLimitService}
 * @param method the method name
 * @param initialMetadata request metadata sent as HTTP/2 headers
 * @param timeout deadline for the whole call; {@link Duration#ZERO} means none
 */
public record GrpcCallRequest(String cluster, String service, String method, List<HeaderField> initialMetadata, Duration timeout) {
    public GrpcCallRequest {
        initialMetadata = List.copyOf(initialMetadata);
    }
}
