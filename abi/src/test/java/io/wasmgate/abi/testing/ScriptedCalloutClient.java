package io.wasmgate.abi.testing;

import io.wasmgate.abi.spi.CalloutClient;
import io.wasmgate.abi.spi.Cancellable;
import io.wasmgate.abi.spi.GrpcCallRequest;
import io.wasmgate.abi.spi.GrpcListener;
import io.wasmgate.abi.spi.GrpcStream;
import io.wasmgate.abi.spi.HttpCallListener;
import io.wasmgate.abi.spi.HttpCallRequest;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A callout client for host-level tests: it knows the given clusters, records every request and lets the
 * test answer each one when it chooses. Tests against real upstreams live with the integrations.
 */
public final class ScriptedCalloutClient implements CalloutClient {
    /** One HTTP call the host sent, waiting for the test's answer. */
    public static final class Call {
        public final HttpCallRequest request;
        public final HttpCallListener listener;
        public volatile boolean cancelled;

        Call(HttpCallRequest request, HttpCallListener listener) {
            this.request = request;
            this.listener = listener;
        }
    }

    /** One gRPC call the host opened: what it sent, and the listener the test answers through. */
    public static final class GrpcCall implements GrpcStream {
        public final GrpcCallRequest request;
        public final GrpcListener listener;
        /** Messages sent, as text; {@code <eos>} marks end of stream, {@code <half-close>} a half-close. */
        public final List<String> sent = new CopyOnWriteArrayList<>();
        public volatile boolean cancelled;

        GrpcCall(GrpcCallRequest request, GrpcListener listener) {
            this.request = request;
            this.listener = listener;
        }

        @Override
        public void send(byte[] message, boolean endOfStream) {
            sent.add(new String(message));
            if (endOfStream) {
                sent.add("<eos>");
            }
        }

        @Override
        public void halfClose() {
            sent.add("<half-close>");
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    public final List<Call> calls = new CopyOnWriteArrayList<>();
    public final List<GrpcCall> grpcCalls = new CopyOnWriteArrayList<>();
    private final Set<String> clusters;

    public ScriptedCalloutClient(String... clusters) {
        this.clusters = Set.of(clusters);
    }

    @Override
    public boolean hasCluster(String cluster) {
        return clusters.contains(cluster);
    }

    @Override
    public Cancellable httpCall(HttpCallRequest request, HttpCallListener listener) {
        Call call = new Call(request, listener);
        calls.add(call);
        return () -> call.cancelled = true;
    }

    @Override
    public GrpcStream grpcCall(GrpcCallRequest request, GrpcListener listener) {
        GrpcCall call = new GrpcCall(request, listener);
        grpcCalls.add(call);
        return call;
    }
}
