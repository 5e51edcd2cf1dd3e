package io.wasmgate.filter.internal;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;

/**
 * The async context an application behind the filter gets: {@link #complete()} first lets the run end
 * the response through the plugins, and completes the container's context only once the plugins let the
 * response finish (a paused response completes after the plugin continues). A stream the run reset is
 * not completed but dispatched: the filter then fails the dispatch, and the container breaks the
 * response off instead of ending it cleanly (the servlet API has no other portable way to abort).
 */
final class ApplicationAsyncContext implements AsyncContext {
    private final AsyncContext container;
    private final FilterChainRun run;

    ApplicationAsyncContext(AsyncContext container, FilterChainRun run) {
        this.container = container;
        this.run = run;
    }

    @Override
    public void complete() {
        if (run.applicationCompleted()) {
            if (run.wasReset()) {
                container.dispatch();
            } else {
                container.complete();
            }
        }
    }

    @Override
    public ServletRequest getRequest() {
        return container.getRequest();
    }

    @Override
    public ServletResponse getResponse() {
        return container.getResponse();
    }

    @Override
    public boolean hasOriginalRequestAndResponse() {
        return container.hasOriginalRequestAndResponse();
    }

    @Override
    public void dispatch() {
        container.dispatch();
    }

    @Override
    public void dispatch(String path) {
        container.dispatch(path);
    }

    @Override
    public void dispatch(ServletContext context, String path) {
        container.dispatch(context, path);
    }

    @Override
    public void start(Runnable runnable) {
        container.start(runnable);
    }

    @Override
    public void addListener(AsyncListener listener) {
        container.addListener(listener);
    }

    @Override
    public void addListener(AsyncListener listener, ServletRequest request, ServletResponse response) {
        container.addListener(listener, request, response);
    }

    @Override
    public <T extends AsyncListener> T createListener(Class<T> clazz) throws ServletException {
        return container.createListener(clazz);
    }

    @Override
    public void setTimeout(long timeout) {
        container.setTimeout(timeout);
    }

    @Override
    public long getTimeout() {
        return container.getTimeout();
    }
}
