package io.wasmgate.filter.internal;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;

/**
 * A run waiting for a plugin without holding a thread: the request goes into async mode with the pause
 * deadline as its timeout, and a plugin's effect ends the wait by re-dispatching it through the filter
 * ({@code AsyncContext.dispatch()}). This class keeps that bookkeeping (whether the request waits, on
 * which context, whether the next dispatch is the run's own) and hears about every async cycle the run
 * watches. Its monitor is the run's innermost lock; re-dispatching is a container call, made after every
 * lock of the run was left (see {@link FilterChainRun}).
 */
final class Suspension {
    private final HttpServletRequest request;
    private final Runnable pauseExpired;
    private final Runnable completed;
    private final Runnable failed;
    private final AsyncListener listener = new Listener();
    private boolean suspended;
    private boolean dispatchPending;
    private AsyncContext suspendedOn;

    /**
     * @param pauseExpired drives the run past a wait that reached its deadline
     * @param completed an async cycle the run watches completed
     * @param failed an async cycle the run watches failed (the client went away)
     */
    Suspension(HttpServletRequest request, Runnable pauseExpired, Runnable completed, Runnable failed) {
        this.request = request;
        this.pauseExpired = pauseExpired;
        this.completed = completed;
        this.failed = failed;
    }

    /** {@code false} where the run cannot leave the thread (a servlet not marked async-supported): it waits on it. */
    boolean possible() {
        return request.isAsyncSupported() || request.isAsyncStarted();
    }

    /** Hears about {@code async}'s end: a cycle the application or the error page started. */
    void watch(AsyncContext async) {
        async.addListener(listener);
    }

    /** Starts (or reuses) async mode with {@code deadline} as timeout; called holding the effects' monitor. */
    synchronized void suspend(Duration deadline) {
        AsyncContext async;
        if (request.isAsyncStarted()) {
            async = request.getAsyncContext();
        } else {
            async = request.startAsync();
            async.addListener(listener);
        }
        try {
            async.setTimeout(deadline.toMillis());
        } catch (IllegalStateException e) {
            // The application's async cycle is past its dispatch: its own timeout applies.
        }
        suspendedOn = async;
        suspended = true;
    }

    /** Ends the wait: returns the context to re-dispatch (outside every lock), or {@code null} if none waits. */
    synchronized AsyncContext wake() {
        if (!suspended) {
            return null;
        }
        suspended = false;
        dispatchPending = true;
        return suspendedOn;
    }

    /** {@code true} if this dispatch is the one a wake-up asked for (the application may dispatch too). */
    synchronized boolean takeDispatch() {
        boolean ours = dispatchPending;
        dispatchPending = false;
        return ours;
    }

    /** The exchange is over: nothing waits any more. */
    synchronized void clear() {
        suspended = false;
    }

    /** Re-dispatches a request {@link #wake} took out of its wait: a container call, made outside every lock. */
    static void redispatch(AsyncContext suspendedRequest) {
        if (suspendedRequest != null) {
            suspendedRequest.dispatch();
        }
    }

    private synchronized boolean expire() {
        if (!suspended) {
            return false;
        }
        suspended = false;
        return true;
    }

    /** Hears about the async cycles the run started or watches. */
    private final class Listener implements AsyncListener {
        @Override
        public void onComplete(AsyncEvent event) {
            completed.run();
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            if (expire()) {
                pauseExpired.run();
                event.getAsyncContext().complete();
            }
        }

        @Override
        public void onError(AsyncEvent event) {
            failed.run();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            // A new cycle registers its own listener.
        }
    }
}
