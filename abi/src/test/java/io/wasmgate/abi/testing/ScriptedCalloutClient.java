package io.wasmgate.abi.testing;

import io.wasmgate.abi.spi.CalloutClient;
import io.wasmgate.abi.spi.Cancellable;
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
    /** One call the host sent, waiting for the test's answer. */
    public static final class Call {
        public final HttpCallRequest request;
        public final HttpCallListener listener;
        public volatile boolean cancelled;

        Call(HttpCallRequest request, HttpCallListener listener) {
            this.request = request;
            this.listener = listener;
        }
    }

    public final List<Call> calls = new CopyOnWriteArrayList<>();
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
}
