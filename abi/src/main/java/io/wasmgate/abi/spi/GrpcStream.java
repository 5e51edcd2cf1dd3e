package io.wasmgate.abi.spi;

/** The sending side of an open gRPC call. */
public interface GrpcStream extends Cancellable {
    /** Sends one request message; {@code endOfStream} half-closes after it. */
    void send(byte[] message, boolean endOfStream);

    /** Half-closes the request side; responses still arrive. */
    void halfClose();
}
