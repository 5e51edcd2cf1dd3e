package io.wasmgate.gateway.proxy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.NanoTime;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * A request whose body must arrive in time: within {@code timeout} of the request's head plus one second
 * for every {@code minRate} bytes read (Apache httpd's mod_reqtimeout rule). Past that a read returns a
 * 408 failure instead of waiting on, and a reader already waiting is woken to see it, so a client that
 * trickles its body frees its thread and its route's place.
 *
 * <p>An idle timeout could not do this: every byte of a trickle restarts it.
 */
final class BodyDeadline extends Request.Wrapper {
    private final Scheduler scheduler;
    private final long start = NanoTime.now();
    private final long timeoutNanos;
    private final long minRate;
    private volatile long bytesRead;
    private volatile boolean expired;
    /** The body's last chunk was read: the deadline no longer applies. */
    private volatile boolean complete;

    /** @param minRate bytes per second that extend the deadline by a second; 0: the deadline is fixed */
    BodyDeadline(Request request, Duration timeout, long minRate) {
        super(request);
        this.scheduler = request.getComponents().getScheduler();
        this.timeoutNanos = timeout.toNanos();
        this.minRate = minRate;
    }

    @Override
    public Content.Chunk read() {
        if (complete) {
            return super.read();
        }
        if (expired || remainingNanos() <= 0) {
            expired = true;
            return Content.Chunk.from(new BodyTimeout(), true);
        }
        Content.Chunk chunk = super.read();
        if (chunk != null) {
            bytesRead += chunk.remaining();
            complete = chunk.isLast();
        }
        return chunk;
    }

    /**
     * Demands with a timer that wakes the reader at the deadline. The callback keeps its invocation type: a
     * blocking read's wake-up is non-blocking, and Jetty runs it at once on the selector; as a blocking task
     * it would wait for a pool thread, which the readers it should wake may all hold.
     */
    @Override
    public void demand(Runnable demandCallback) {
        if (complete) {
            super.demand(demandCallback);
            return;
        }
        Invocable.InvocationType type = Invocable.getInvocationType(demandCallback);
        AtomicBoolean done = new AtomicBoolean();
        Runnable once = () -> {
            if (done.compareAndSet(false, true)) {
                demandCallback.run();
            }
        };
        Runnable expire = type == Invocable.InvocationType.NON_BLOCKING ? once : () -> getContext().execute(once);
        Scheduler.Task timer = scheduler.schedule(expire, Math.max(0, remainingNanos()), TimeUnit.NANOSECONDS);
        super.demand(Invocable.from(type, () -> {
            timer.cancel();
            once.run();
        }));
    }

    /**
     * The failure of a read past the deadline: an {@link IOException}, which readers handle as a broken
     * body, caused by the client's 408, from which the proxy takes its answer.
     */
    static final class BodyTimeout extends IOException {
        private static final long serialVersionUID = 1L;

        BodyTimeout() {
            super("the request body did not arrive in time",
                    new HttpException.RuntimeException(HttpStatus.REQUEST_TIMEOUT_408, "the request body did not arrive in time"));
        }
    }

    private long remainingNanos() {
        long earned = minRate == 0 ? 0 : TimeUnit.SECONDS.toNanos(bytesRead) / minRate;
        return timeoutNanos + earned - NanoTime.since(start);
    }
}
