package io.wasmgate.filter.internal;

import io.wasmgate.abi.spi.LocalReply;
import jakarta.servlet.AsyncContext;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue of the plugins' effects on one run (continues, local replies, closes, and the replies the
 * host decides for them: buffer limits, pause deadlines), filled from any thread a plugin acts on and
 * emptied by the thread driving the run. An effect from another thread wakes the driver: a thread
 * blocked in {@link #await}, or the request waiting in async mode, which {@link Suspension} re-dispatches
 * after this monitor is left. This object's monitor is the run's innermost lock but the suspension's (see
 * {@link FilterChainRun}).
 */
final class PluginEffects {
    // The run's category: one logger tells what happened to a request.
    private static final Logger LOG = LoggerFactory.getLogger(FilterChainRun.class);

    /** What the driver applies next. */
    sealed interface Effect permits Release, Reply, Reset {}

    /** A plugin continued {@code direction}: its stage releases what it held. */
    record Release(Stage stage, Direction direction) implements Effect {}

    /** A reply replaces the response; {@code viaPlugins}: it passes the plugins' response callbacks first. */
    record Reply(LocalReply reply, boolean viaPlugins) implements Effect {}

    /** A plugin closed the stream: it is reset. */
    record Reset() implements Effect {}

    private static final Reset RESET = new Reset();

    private final Suspension suspension;
    private final ArrayDeque<Release> continues = new ArrayDeque<>(2);
    private LocalReply pendingReply;
    private boolean pendingReplyViaPlugins;
    private boolean closeRequested;
    private boolean ended;
    private volatile boolean interrupted;

    PluginEffects(Suspension suspension) {
        this.suspension = suspension;
    }

    void continued(Stage stage, Direction direction) {
        AsyncContext suspendedRequest = null;
        synchronized (this) {
            if (!ended) {
                continues.add(new Release(stage, direction));
                suspendedRequest = wake();
            }
        }
        Suspension.redispatch(suspendedRequest);
    }

    void replied(Stage stage, LocalReply reply) {
        AsyncContext suspendedRequest;
        synchronized (this) {
            if (pendingReply == null || (reply.isFailure() && !pendingReply.isFailure())) {
                pendingReply = reply;
                pendingReplyViaPlugins = !reply.isFailure();
            }
            if (reply.isFailure()) {
                LOG.debug("plugin '{}' failed: answering per its failure policy", stage.name());
            }
            interrupted = true;
            suspendedRequest = wake();
        }
        Suspension.redispatch(suspendedRequest);
    }

    void closed(Stage stage) {
        AsyncContext suspendedRequest;
        synchronized (this) {
            LOG.debug("plugin '{}' closed the stream", stage.name());
            closeRequested = true;
            interrupted = true;
            suspendedRequest = wake();
        }
        Suspension.redispatch(suspendedRequest);
    }

    /** Body waiting behind a plugin's held headers outgrew its {@code max_buffered_body}: 413 / 502. */
    void bufferLimit(Stage stage, Direction direction) {
        LOG.warn("plugin '{}' holds the {} headers while more than max_buffered_body ({} bytes) waits: answering {}", stage.name(),
                direction.name().toLowerCase(Locale.ROOT), stage.limits().maxBufferedBody(),
                direction == Direction.REQUEST ? 413 : 502);
        interrupt(LocalReplies.bufferLimit(direction));
    }

    /**
     * A reply the driver itself decided (a limit, a deadline): it replaces any pending one and goes out
     * directly. The driver is awake, so nothing is woken.
     */
    synchronized void interrupt(LocalReply reply) {
        pendingReply = reply;
        pendingReplyViaPlugins = false;
        interrupted = true;
    }

    /** {@code true} while an effect that ends the normal flow (reply, failure, reset) waits for the driver. */
    boolean interrupted() {
        return interrupted;
    }

    /**
     * The next effect for the driver, or {@code null}: a close wins over a reply (which it drops), a reply
     * over continues, which stay queued behind it.
     */
    synchronized Effect next() {
        LocalReply reply = pendingReply;
        boolean viaPlugins = pendingReplyViaPlugins;
        boolean close = closeRequested;
        pendingReply = null;
        closeRequested = false;
        interrupted = false;
        if (close) {
            return RESET;
        }
        if (reply != null) {
            return new Reply(reply, viaPlugins);
        }
        return continues.poll();
    }

    /**
     * Puts the request in async mode until an effect arrives, unless one already did ({@code false}):
     * checked and recorded under this monitor, so an effect cannot slip in between.
     */
    synchronized boolean suspend(Duration deadline) {
        if (!continues.isEmpty() || interrupted) {
            return false;
        }
        suspension.suspend(deadline);
        return true;
    }

    /** Blocks until an effect arrives; {@code false} if {@code deadline} passed first. */
    boolean await(Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        synchronized (this) {
            while (continues.isEmpty() && !interrupted) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    /** The exchange is over: pending effects are dropped, later ones ignored. */
    synchronized void end() {
        ended = true;
        continues.clear();
        pendingReply = null;
        closeRequested = false;
        interrupted = false;
        suspension.clear();
    }

    /**
     * Wakes the driver (holding this monitor): notifies a thread waiting in {@link #await}, or returns the
     * suspended request's async context for the caller to re-dispatch once it left the monitor.
     */
    private AsyncContext wake() {
        AsyncContext suspendedRequest = suspension.wake();
        if (suspendedRequest == null) {
            notifyAll();
        }
        return suspendedRequest;
    }
}
