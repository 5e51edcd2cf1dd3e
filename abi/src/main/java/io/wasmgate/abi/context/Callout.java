package io.wasmgate.abi.context;

import io.wasmgate.abi.spi.Cancellable;
import io.wasmgate.abi.spi.GrpcStream;

/**
 * A callout in flight, kept by {@link Callouts} under its token until it ends: what kind of call it is,
 * the context that made it (whose end cancels it), and how to abandon it.
 */
sealed interface Callout permits Callout.HttpCall, Callout.GrpcCall {
    /** The id of the context that made the call. */
    int origin();

    /** Abandons the call; its events are dropped from then on. */
    void cancel();

    /** A {@code proxy_http_call}. */
    record HttpCall(int origin, Cancellable call) implements Callout {
        @Override
        public void cancel() {
            call.cancel();
        }
    }

    /** A gRPC call, which the guest may cancel or close by its token. */
    sealed interface GrpcCall extends Callout permits GrpcUnaryCall, GrpcStreamCall {
        /** The sending side of the call. */
        GrpcStream stream();

        @Override
        default void cancel() {
            stream().cancel();
        }
    }

    /**
     * A {@code proxy_grpc_call}: the guest hears only of its one message or its failure, so the message is
     * kept ({@code response}) until the call closes.
     */
    record GrpcUnaryCall(int origin, GrpcStream stream, byte[] response) implements GrpcCall {
        GrpcUnaryCall withResponse(byte[] message) {
            return new GrpcUnaryCall(origin, stream, message);
        }
    }

    /** A {@code proxy_grpc_stream}, to which the guest sends messages. */
    record GrpcStreamCall(int origin, GrpcStream stream) implements GrpcCall {
    }
}
