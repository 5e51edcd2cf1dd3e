package io.wasmgate.filter.callout;

import java.io.IOException;

/** Ends a gRPC call the client gave up on for a gRPC reason (bad HTTP status, bad framing), with that status. */
final class GrpcProtocolException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient GrpcStatus status;

    GrpcProtocolException(GrpcStatus status) {
        super(status.message());
        this.status = status;
    }

    GrpcStatus status() {
        return status;
    }
}
