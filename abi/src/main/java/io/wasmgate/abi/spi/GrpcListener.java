package io.wasmgate.abi.spi;

import io.wasmgate.abi.wire.HeaderField;
import java.util.List;

/**
 * Receives what the server sends on one gRPC call, in order: initial metadata, messages, trailing
 * metadata, then exactly one {@link #onClose}. A call that fails before any response (refused, reset,
 * deadline) only gets {@link #onClose} with the matching gRPC status.
 */
public interface GrpcListener {
    void onInitialMetadata(List<HeaderField> metadata);

    /**
     * One response message, without the 5-byte gRPC frame prefix. The host keeps {@code message} as it is,
     * without a copy: the caller hands it over and must not change it afterwards.
     */
    void onMessage(byte[] message);

    void onTrailingMetadata(List<HeaderField> metadata);

    /** The call ended with {@code grpcStatus} (0 = OK) and its message. */
    void onClose(int grpcStatus, String message);
}
