package io.wasmgate.gateway.runtime;

import io.wasmgate.abi.spi.CalloutClient;
import io.wasmgate.abi.spi.Cancellable;
import io.wasmgate.abi.spi.GrpcCallRequest;
import io.wasmgate.abi.spi.GrpcListener;
import io.wasmgate.abi.spi.GrpcStream;
import io.wasmgate.abi.spi.HttpCallListener;
import io.wasmgate.abi.spi.HttpCallRequest;

/**
 * The callout client the gateway's host services hold for their whole life: calls go to the clusters of the
 * configuration currently serving, and a reload switches them to the new configuration's client.
 */
final class SwitchingCalloutClient implements CalloutClient {
    private volatile CalloutClient current = CalloutClient.NONE;

    /** Sends new calls to {@code next}; returns the client they went to before. */
    CalloutClient switchTo(CalloutClient next) {
        CalloutClient previous = current;
        current = next;
        return previous;
    }

    @Override
    public boolean hasCluster(String cluster) {
        return current.hasCluster(cluster);
    }

    @Override
    public Cancellable httpCall(HttpCallRequest request, HttpCallListener listener) {
        return current.httpCall(request, listener);
    }

    @Override
    public GrpcStream grpcCall(GrpcCallRequest request, GrpcListener listener) {
        return current.grpcCall(request, listener);
    }
}
