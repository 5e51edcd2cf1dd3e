package io.wasmgate.gateway.testing;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * An upstream that holds every request it receives until {@link #release()}, then answers them (and any
 * later ones at once) with {@code 200 held <path>}; it speaks HTTP/1.1 and h2c, one stream per HTTP/2
 * connection. The gateway's connections to it stay busy as long as the test wants, without a thread
 * blocked on either side.
 */
public final class HoldingUpstream implements AutoCloseable {
    private final Server server = new Server();
    private final ServerConnector connector;
    private final Semaphore arrivals = new Semaphore(0);
    private final List<Runnable> held = new ArrayList<>();
    private boolean released;

    private HoldingUpstream() {
        HttpConfiguration http = new HttpConfiguration();
        HTTP2CServerConnectionFactory h2c = new HTTP2CServerConnectionFactory(http);
        h2c.setMaxConcurrentStreams(1);
        connector = new ServerConnector(server, new HttpConnectionFactory(http), h2c);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new Hold());
    }

    /** Starts on a free loopback port. */
    public static HoldingUpstream start() throws Exception {
        HoldingUpstream upstream = new HoldingUpstream();
        upstream.server.start();
        return upstream;
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }

    /**
     * Waits until {@code count} more requests have arrived.
     *
     * @throws AssertionError if they do not within 10 seconds
     */
    public void awaitArrivals(int count) throws InterruptedException {
        if (!arrivals.tryAcquire(count, 10, TimeUnit.SECONDS)) {
            throw new AssertionError("expected " + count + " more request(s) at the upstream");
        }
    }

    /** Answers every held request, and from now on every request at once. */
    public void release() {
        List<Runnable> answers;
        synchronized (this) {
            released = true;
            answers = List.copyOf(held);
            held.clear();
        }
        answers.forEach(Runnable::run);
    }

    @Override
    public void close() {
        release();
        LifeCycle.stop(server);
    }

    private final class Hold extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String body = "held " + request.getHttpURI().getPath();
            Runnable answer = () -> response.write(true, StandardCharsets.UTF_8.encode(body), callback);
            boolean now;
            synchronized (HoldingUpstream.this) {
                now = released;
                if (!now) {
                    held.add(answer);
                }
            }
            arrivals.release();
            if (now) {
                answer.run();
            }
            return true;
        }
    }
}
