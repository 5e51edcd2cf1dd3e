package io.wasmgate.gateway.proxy;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Bounds how long a request of a cluster's client waits for a connection (a free one of the cluster's
 * {@code max_connections}, or a new one) by the cluster's {@code connect_timeout}: a request still
 * queued then is aborted with {@link NoConnection}. Jetty's own connect timeout covers only the TCP
 * connect, so without this a request queued behind busy connections would wait for the total
 * {@code timeout}, or forever with {@code timeout: 0s}.
 */
final class ConnectionWait implements Request.Listener {
    private static final String TASK = ConnectionWait.class.getName();

    private final HttpClient client;
    private final Duration limit;

    ConnectionWait(HttpClient client, Duration limit) {
        this.client = client;
        this.limit = limit;
    }

    /** Why a request was aborted: it had no connection within {@code connect_timeout}. */
    static final class NoConnection extends TimeoutException {
        private static final long serialVersionUID = 1L;

        NoConnection(Duration limit) {
            super("no connection to the upstream within connect_timeout " + limit.toMillis() + "ms");
        }
    }

    @Override
    public void onQueued(Request request) {
        Scheduler.Task task = client.getScheduler().schedule(() -> request.abort(new NoConnection(limit)), limit);
        request.attribute(TASK, task);
    }

    @Override
    public void onBegin(Request request) {
        cancel(request);
    }

    @Override
    public void onFailure(Request request, Throwable failure) {
        cancel(request);
    }

    private static void cancel(Request request) {
        if (request.getAttributes().get(TASK) instanceof Scheduler.Task task) {
            task.cancel();
        }
    }
}
