package io.wasmgate.abi.spi;

/**
 * What an integration provides so plugins can call out: an asynchronous HTTP client to named clusters
 * (the servlet filter and the gateway implement it with Jetty's HttpClient). No method may block.
 */
public interface CalloutClient {
    /** A client that knows no cluster: every call is refused as an unknown upstream. */
    CalloutClient NONE = new CalloutClient() {
        @Override
        public boolean hasCluster(String cluster) {
            return false;
        }

        @Override
        public Cancellable httpCall(HttpCallRequest request, HttpCallListener listener) {
            throw new IllegalArgumentException("unknown cluster " + request.cluster());
        }

        @Override
        public GrpcStream grpcCall(GrpcCallRequest request, GrpcListener listener) {
            throw new IllegalArgumentException("unknown cluster " + request.cluster());
        }
    };

    /** {@code true} if {@code cluster} is configured; an unknown cluster is {@code BAD_ARGUMENT} to the guest. */
    boolean hasCluster(String cluster);

    /**
     * Sends {@code request} to a cluster {@link #hasCluster known} to this client and reports the outcome to
     * {@code listener} later, from any thread.
     */
    Cancellable httpCall(HttpCallRequest request, HttpCallListener listener);

    /**
     * Opens a gRPC call (HTTP/2, gRPC framing) to a known cluster. The host sends the messages; a unary
     * call is a stream with one message and a half-close. Events reach {@code listener} later, from any
     * thread, in order.
     */
    GrpcStream grpcCall(GrpcCallRequest request, GrpcListener listener);
}
