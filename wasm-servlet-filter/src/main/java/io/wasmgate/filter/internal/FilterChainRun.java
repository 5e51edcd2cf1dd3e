package io.wasmgate.filter.internal;

import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.spi.LocalReply;
import io.wasmgate.filter.PluginLineup;
import io.wasmgate.filter.internal.Frame.DataFrame;
import io.wasmgate.filter.internal.Frame.HeadersFrame;
import io.wasmgate.filter.internal.Frame.TrailersFrame;
import io.wasmgate.abi.plugin.Plugin;
import io.wasmgate.filter.PluginRelease;
import io.wasmgate.filter.internal.PluginEffects.Effect;
import io.wasmgate.filter.internal.PluginEffects.Release;
import io.wasmgate.filter.internal.PluginEffects.Reply;
import io.wasmgate.filter.internal.PluginEffects.Reset;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request through the filter's plugins, from the request headers to {@code proxy_on_done}.
 *
 * <p>Phases: the request headers travel through the plugins ({@code REQUEST}); once they passed, the
 * application runs ({@code APPLICATION}), its body reads and response writes driving the two
 * {@link Flow}s chunk by chunk; when it is done, the end of the response travels through the plugins
 * ({@code RESPONSE_END}); then the log phase runs ({@code DONE}).
 *
 * <p>Threads: the run advances only on a "driver" thread (a container dispatch, or the application's own
 * thread inside a read or write) holding {@link #driving}. Plugins' effects ({@link Stage}) may arrive on
 * any thread, e.g. a tick: they are queued in {@link PluginEffects} and wake the run. A run that waits for
 * a plugin holds no thread ({@link Suspension}): it puts the request in async mode and the wake-up
 * re-dispatches it through the filter ({@code AsyncContext.dispatch()}); the async timeout is the
 * plugin's pause deadline.
 *
 * <p>Locks, in this order: {@link #driving}, then a VM's lock (inside plugin callbacks), then the monitor
 * of the {@link PluginEffects} (the queue of effects), then the {@link Suspension}'s. The container is
 * never called under the last two to wake the run: a wake-up records the dispatch under them and makes it
 * after leaving them.
 */
final class FilterChainRun {
    private static final Logger LOG = LoggerFactory.getLogger(FilterChainRun.class);
    private static final int CHUNK = 8192;
    private static final long DISCARD_LIMIT = 64 * 1024;

    private enum Phase { REQUEST, APPLICATION, ERROR_PAGE, RESPONSE_END, DONE }

    /** Work done while driving the run: may throw what the servlet API throws. */
    @FunctionalInterface
    private interface Step {
        void run() throws IOException, ServletException;
    }

    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final Headers requestHeaders;
    private final boolean grpc;
    private final boolean upgrade;
    /** The client sent (or, over HTTP/2, may still send) a body: decided once, from the container's request. */
    private final boolean clientHasBody;
    /** A plugin of the chain has a request body callback, and so may change the body. */
    private final boolean requestBodyEditable;
    private final Flow requestFlow;
    private final Flow responseFlow;
    private final RequestBodyStream requestBody = new RequestBodyStream(this);
    private final ResponseSink sink;
    private final WasmRequestWrapper requestWrapper;
    private final BufferingResponseWrapper responseWrapper;
    private final ExchangeFacts facts;
    private final Suspension suspension;
    private final PluginEffects effects;
    private final LogPhase logPhase;
    private final ReentrantLock driving = new ReentrantLock();
    /** Signalled when a read of the client's body that let the run go ({@link #clientReadUnderWay}) returns. */
    private final Condition clientReadDone = driving.newCondition();
    /** A thread is reading the client's body without holding {@link #driving}; guarded by it. */
    private boolean clientReadUnderWay;

    // The run's state, touched only by the driver.
    private Phase phase = Phase.REQUEST;
    private boolean requestHeadersPassed;
    private volatile boolean responseStarted;
    private boolean replyThroughPlugins;
    private Headers requestTrailers;
    private ServletInputStream clientBody;
    private boolean clientBodyEnded;
    private boolean drainingRequestBody;
    private volatile boolean reset;
    private boolean clientAborted;
    private boolean applicationFailed;
    private ApplicationAsyncContext applicationAsync;
    private ErrorPage errorPage;
    private boolean inErrorDispatch;

    /** An error the application sent (or threw): the container renders its page for it. */
    private record ErrorPage(int status, String message) {}

    /** @param path the request's {@code :path} ({@link RequestPath}) */
    FilterChainRun(HttpServletRequest request, HttpServletResponse response, PluginLineup lineup, String path) {
        this.request = request;
        this.response = response;
        RequestHeadersAdapter.ClientHeaders clientHeaders = RequestHeadersAdapter.read(request, path);
        this.requestHeaders = clientHeaders.map();
        this.grpc = LocalReplies.isGrpc(requestHeaders);
        this.upgrade = isUpgrade(request);
        this.clientHasBody = !RequestHeadersAdapter.endsWithHeaders(request);
        this.suspension = new Suspension(request, this::pauseExpiredWhileSuspended, () -> asyncEnded(false), () -> asyncEnded(true));
        this.effects = new PluginEffects(suspension);
        // Loops, not streams: this runs once per request, and the stream pipelines were a visible share of it.
        List<PluginRelease> releases = lineup.plugins();
        List<Plugin> plugins = new ArrayList<>(releases.size());
        boolean requestEditable = false;
        boolean responseEditable = false;
        for (PluginRelease release : releases) {
            Plugin plugin = release.pick();
            plugins.add(plugin);
            requestEditable |= Stage.seesBody(plugin, Direction.REQUEST);
            responseEditable |= Stage.seesBody(plugin, Direction.RESPONSE);
        }
        this.requestBodyEditable = requestEditable;
        this.sink = new ResponseSink(response, "HEAD".equals(request.getMethod()), responseEditable);
        this.facts = new ExchangeFacts(requestHeaders, sink);
        ExchangeAttributes attributes = new ExchangeAttributes(facts, request);
        List<Stage> stages = new ArrayList<>(plugins.size());
        List<Stage> reversed = new ArrayList<>(plugins.size());
        for (Plugin plugin : plugins) {
            Stage stage = new Stage(effects, attributes, plugin);
            stages.add(stage);
            reversed.add(0, stage);
        }
        List<Stage> logStages = new ArrayList<>(lineup.logPlugins().size());
        for (PluginRelease release : lineup.logPlugins()) {
            logStages.add(new Stage(effects, attributes, release.pick()));
        }
        this.logPhase = new LogPhase(stages, logStages);
        this.requestFlow = new Flow(Direction.REQUEST, stages, effects, this::requestArrived);
        this.responseFlow = new Flow(Direction.RESPONSE, reversed, effects, sink);
        this.requestWrapper = new WasmRequestWrapper(request, this, requestHeaders, clientHeaders.names(),
                new RequestFraming(request, requestHeaders, requestBody, requestBodyEditable, clientHasBody));
        this.responseWrapper = new BufferingResponseWrapper(response, this);
    }

    /**
     * An HTTP/1.1 protocol upgrade (WebSocket): {@code Upgrade} and {@code Connection: upgrade}. An offer of
     * {@code h2c} alone is not one: the container takes it before any filter, or answers in HTTP/1.1 (the
     * JDK's HTTP client offers it on every request).
     */
    private static boolean isUpgrade(HttpServletRequest request) {
        String upgrade = request.getHeader("upgrade");
        if (upgrade == null || Arrays.stream(upgrade.split(",")).map(String::trim).allMatch(p -> p.equalsIgnoreCase("h2c"))) {
            return false;
        }
        for (String connection : Collections.list(request.getHeaders("connection"))) {
            for (String token : connection.split(",")) {
                if (token.trim().equalsIgnoreCase("upgrade")) {
                    return true;
                }
            }
        }
        return false;
    }

    // ---- entry points: container dispatches ---------------------------------------------------------

    /**
     * The request dispatch: the request headers enter the plugins, and the run goes as far as it can.
     *
     * @param attribute the request attribute under which later dispatches find this run
     */
    void start(String attribute, FilterChain chain) throws IOException, ServletException {
        request.setAttribute(attribute, this);
        drive(() -> {
            clientBodyEnded = !clientHasBody;
            requestFlow.push(new HeadersFrame(requestHeaders, clientBodyEnded));
            advance(chain);
        });
    }

    /** An async dispatch: ours (a plugin continued) or the application's own {@code AsyncContext.dispatch}. */
    void dispatched(ServletRequest dispatchedRequest, ServletResponse dispatchedResponse, FilterChain chain)
            throws IOException, ServletException {
        drive(() -> {
            boolean ours = suspension.takeDispatch();
            if (!ours && phase == Phase.APPLICATION) {
                invokeApplication(() -> chain.doFilter(dispatchedRequest, dispatchedResponse));
            }
            advance(chain);
        });
    }

    private void drive(Step step) throws IOException, ServletException {
        driving.lock();
        try {
            step.run();
        } catch (UncheckedIOException e) {
            clientAborted = true;
            LOG.debug("client went away: {}", e.getCause().toString());
            finish();
        } finally {
            driving.unlock();
        }
        if (reset) {
            throw new IOException("stream reset by Wasmgate: " + facts.codeDetails());
        }
    }

    /** Runs the phases until the run is done or has to wait. */
    private void advance(FilterChain chain) throws IOException, ServletException {
        while (phase != Phase.DONE) {
            settle();
            switch (phase) {
                case REQUEST -> {
                    if (requestHeadersPassed && upgrade) {
                        // The plugins let the upgrade through: it proceeds untouched (the 101 and the
                        // frames after it are the container's), as the plugins cannot read frames.
                        phase = Phase.APPLICATION;
                        invokeApplication(() -> chain.doFilter(requestWrapper, response));
                        finish();
                    } else if (requestHeadersPassed) {
                        phase = Phase.APPLICATION;
                        invokeApplication(() -> chain.doFilter(requestWrapper, responseWrapper));
                    } else if (!clientBodyEnded) {
                        // A plugin holds the headers (waiting for the body, or for a callout): the body
                        // reaches it (StopIteration) or waits behind it, bounded by max_buffered_body.
                        readFromClient();
                    } else if (suspend(requestFlow)) {
                        return;
                    }
                }
                case APPLICATION -> {
                    if (applicationAsync != null && request.isAsyncStarted()) {
                        return;
                    }
                    if (errorPage != null) {
                        awaitErrorPage();
                        return;
                    }
                    completeResponse();
                }
                case ERROR_PAGE -> {
                    return;
                }
                case RESPONSE_END -> {
                    if (responseFlow.ended()) {
                        reset |= !sink.lengthMatches();
                        if (replyThroughPlugins) {
                            discardUnreadClientBody();
                        }
                        finish();
                    } else if (suspend(responseFlow)) {
                        return;
                    }
                }
                case DONE -> { }
            }
        }
    }

    private void invokeApplication(Step application) throws IOException, ServletException {
        try {
            application.run();
        } catch (IOException | ServletException | RuntimeException e) {
            if (phase == Phase.DONE || reset || clientAborted || replyThroughPlugins) {
                LOG.debug("application stopped after the plugins ended the exchange: {}", e.toString());
                return;
            }
            Throwable cause = e instanceof ServletException servlet && servlet.getRootCause() != null ? servlet.getRootCause() : e;
            if (!inErrorDispatch && errorPageRequested(HttpServletResponse.SC_INTERNAL_SERVER_ERROR, cause.getMessage())) {
                // As the container would: the error page shows the exception, and the plugins see the page.
                LOG.error("the application failed on {} {}", request.getMethod(), request.getRequestURI(), e);
                request.setAttribute(RequestDispatcher.ERROR_EXCEPTION, cause);
                request.setAttribute(RequestDispatcher.ERROR_EXCEPTION_TYPE, cause.getClass());
                facts.codeDetails("application_error");
                return;
            }
            applicationFailed = true;
            facts.codeDetails("application_error");
            finish();
            throw e;
        }
    }

    // ---- entry points: the application's reads, writes and async completion -------------------------

    /** The application wants body bytes and none are ready: read from the client through the plugins. */
    void requestBodyNeeded() throws IOException {
        driving.lock();
        try {
            while (true) {
                settle();
                if (phase == Phase.DONE || replyThroughPlugins) {
                    throw new IOException("the request body is no longer available: "
                            + (reset ? "the stream was reset by Wasmgate" : "a Wasm plugin answered the request"));
                }
                if (requestBody.hasReady() || requestBody.ended()) {
                    return;
                }
                if (!clientBodyEnded) {
                    readFromClient(true);
                } else if (!effects.await(pauseDeadline(requestFlow))) {
                    pauseExpired(requestFlow);
                }
            }
        } catch (UncheckedIOException e) {
            clientAborted = true;
            throw e.getCause();
        } finally {
            driving.unlock();
        }
    }

    private void readFromClient() throws IOException {
        readFromClient(false);
    }

    /**
     * Reads the next chunk of the client's body and sends it through the plugins, after a read under way on
     * another thread returned. {@code letTheRunGo}: without holding the run while the read waits for the
     * client. A proxy reads the body on one thread and writes the response on another, and a streaming
     * client (gRPC's bidirectional calls) sends its next message only once it has the answer to the last:
     * meanwhile the response goes through the plugins.
     */
    private void readFromClient(boolean letTheRunGo) throws IOException {
        while (clientReadUnderWay) {
            clientReadDone.awaitUninterruptibly();
        }
        if (clientBodyEnded) {
            return;
        }
        if (clientBody == null) {
            clientBody = request.getInputStream();
        }
        byte[] buffer = new byte[CHUNK];
        int n = -1;
        IOException failure = null;
        // Every hold: the application may read inside the dispatch that called it, which holds the run too.
        int holds = letTheRunGo ? driving.getHoldCount() : 0;
        clientReadUnderWay = letTheRunGo;
        for (int i = 0; i < holds; i++) {
            driving.unlock();
        }
        try {
            n = clientBody.read(buffer);
        } catch (IOException e) {
            failure = e;
        } finally {
            for (int i = 0; i < holds; i++) {
                driving.lock();
            }
            if (letTheRunGo) {
                clientReadUnderWay = false;
                clientReadDone.signalAll();
            }
        }
        if (failure != null) {
            clientAborted = true;
            throw failure;
        }
        if (phase != Phase.DONE && !replyThroughPlugins) {
            received(buffer, n);
        }
    }

    /** What a read of the client's body returned ({@code n} bytes of {@code buffer}, -1 at its end), into the plugins. */
    private void received(byte[] buffer, int n) {
        if (n < 0) {
            clientBodyEnded = true;
            Headers trailers = clientTrailers();
            requestFlow.push(trailers == null ? new DataFrame(new byte[0], true) : new TrailersFrame(trailers));
        } else if (n > 0) {
            facts.addRequestBytes(n);
            long declared = request.getContentLengthLong();
            clientBodyEnded = declared >= 0 && facts.requestBytesRead() >= declared;
            requestFlow.push(new DataFrame(Arrays.copyOf(buffer, n), clientBodyEnded));
        }
    }

    /**
     * The application is done without reading the whole body: when a plugin sees request bodies, the rest
     * is read through the plugins (and dropped after them), so body policies and log plugins see every
     * byte, as Envoy's filters do; a plugin that answers now replaces the response if nothing was sent.
     */
    private void drainRequestBody() {
        if (!requestBodyEditable || requestBody.ended() || clientAborted) {
            return;
        }
        drainingRequestBody = true;
        try {
            while (phase == Phase.APPLICATION && !requestBody.ended()) {
                if (!clientBodyEnded) {
                    readFromClient();
                } else if (!effects.await(pauseDeadline(requestFlow))) {
                    pauseExpired(requestFlow);
                }
                settle();
            }
        } catch (IOException | RuntimeException e) {
            // The response may still reach a client whose body broke off, was malformed or came too slowly.
            clientAborted = true;
            LOG.debug("the client's unread body could not be read to its end: {}", e.toString());
        }
    }

    private Headers clientTrailers() {
        if (!request.isTrailerFieldsReady()) {
            return null;
        }
        Map<String, String> fields = request.getTrailerFields();
        if (fields.isEmpty()) {
            return null;
        }
        Headers trailers = new Headers();
        fields.forEach(trailers::add);
        return trailers;
    }

    /** The application's buffer filled up. */
    void responseWrite(byte[] bytes) throws IOException {
        fromApplication(() -> pushResponse(bytes, false));
    }

    /** The application flushed: the headers (if the plugins let them through) and the body so far go out. */
    void responseFlush(byte[] bytes) throws IOException {
        fromApplication(() -> {
            pushResponse(bytes, false);
            settle();
            if (phase == Phase.APPLICATION) {
                sink.flush();
            }
        });
    }

    /** The application closed its output, sent an error or a redirect: the response body is complete. */
    void responseClose() throws IOException {
        fromApplication(() -> {
            if (phase == Phase.APPLICATION) {
                completeResponse();
            }
        });
    }

    private void fromApplication(Step step) throws IOException {
        driving.lock();
        try {
            if (phase != Phase.DONE) {
                step.run();
                settle();
            }
        } catch (UncheckedIOException e) {
            clientAborted = true;
            throw e.getCause();
        } catch (IOException e) {
            // The container could not write to the client: it went away.
            clientAborted = true;
            throw e;
        } catch (ServletException e) {
            throw new IOException(e);
        } finally {
            driving.unlock();
        }
        checkNotReset();
    }

    /**
     * The application gave up on the response ({@code sendError} with a negative status, Jetty's proxy's way
     * to say so): the stream is reset, so the client sees it broken off.
     */
    void applicationAborted() throws IOException {
        fromApplication(() -> {
            facts.codeDetails("application_abort");
            resetStream();
        });
    }

    /** {@code true} once a plugin or a limit reset the stream: the client must see the response broken off. */
    boolean wasReset() {
        return reset;
    }

    /** Writes after the stream was reset fail, as they would on a reset connection. */
    void checkNotReset() throws IOException {
        if (reset) {
            throw new IOException("stream reset by Wasmgate: " + facts.codeDetails());
        }
    }

    /** The application called {@code startAsync}: its {@code complete()} must come back through the run. */
    AsyncContext applicationStartedAsync(AsyncContext container) {
        suspension.watch(container);
        applicationAsync = new ApplicationAsyncContext(container, this);
        return applicationAsync;
    }

    /**
     * Runs a non-blocking I/O callback of the application on a container thread of its async cycle (the
     * servlet API allows read and write listeners only in async mode).
     *
     * @throws IllegalStateException if the application has not started async mode
     */
    void onContainerThread(Runnable callback) {
        if (applicationAsync == null || !request.isAsyncStarted()) {
            throw new IllegalStateException("non-blocking I/O needs async mode: call startAsync() first");
        }
        applicationAsync.start(callback);
    }

    Optional<AsyncContext> applicationAsyncContext() {
        return Optional.ofNullable(applicationAsync);
    }

    /**
     * The application completed its async context. Returns {@code true} if the response is finished and
     * the container's context may complete, {@code false} if a plugin holds the response (the run then
     * completes it by dispatching once the plugin continues).
     */
    boolean applicationCompleted() {
        driving.lock();
        try {
            if (phase == Phase.APPLICATION) {
                completeResponse();
            }
            advance(null);
        } catch (IOException | ServletException | UncheckedIOException e) {
            clientAborted = true;
            finish();
        } finally {
            driving.unlock();
        }
        return phase == Phase.DONE;
    }

    // ---- error pages ----------------------------------------------------------------------------------

    /**
     * The application sent an error (or failed): returns {@code true} if the container is to render its
     * error page for it later, through the filter, which needs an async cycle of the run's own (the
     * dispatch that ends it tells the run the exchange is over even when no error dispatch reaches the
     * filter). {@code false}: the status is captured like any other, with an empty body.
     */
    boolean errorPageRequested(int status, String message) {
        if (phase != Phase.APPLICATION || inErrorDispatch || applicationAsync != null || request.isAsyncStarted()
                || !request.isAsyncSupported()) {
            return false;
        }
        errorPage = new ErrorPage(status, message);
        responseWrapper.setStatus(status);
        return true;
    }

    /** The application returned after sending an error: the container renders the page when the cycle completes. */
    private void awaitErrorPage() throws IOException {
        drainRequestBody();
        if (phase != Phase.APPLICATION) {
            return;
        }
        phase = Phase.ERROR_PAGE;
        AsyncContext async = request.startAsync(request, response);
        suspension.watch(async);
        if (errorPage.message() == null) {
            response.sendError(errorPage.status());
        } else {
            response.sendError(errorPage.status(), errorPage.message());
        }
        async.complete();
    }

    /** The container's error dispatch for the error the application sent: the page is the response the plugins see. */
    void errorDispatched(ServletRequest dispatchedRequest, ServletResponse dispatchedResponse, FilterChain chain)
            throws IOException, ServletException {
        boolean ours;
        driving.lock();
        try {
            ours = phase == Phase.ERROR_PAGE;
            if (ours) {
                phase = Phase.APPLICATION;
                errorPage = null;
                inErrorDispatch = true;
                responseWrapper.startErrorPage();
            }
        } finally {
            driving.unlock();
        }
        if (!ours) {
            chain.doFilter(dispatchedRequest, dispatchedResponse);
            return;
        }
        drive(() -> {
            invokeApplication(() -> chain.doFilter(dispatchedRequest, responseWrapper));
            advance(chain);
        });
    }

    // ---- the response ---------------------------------------------------------------------------------

    /** The application is done with the response; the rest of an unread body passes the plugins first. */
    private void completeResponse() {
        drainRequestBody();
        if (phase != Phase.APPLICATION) {
            return;
        }
        phase = Phase.RESPONSE_END;
        pushResponse(responseWrapper.takePending(), true);
    }

    /**
     * Sends what the application wrote into the response flow, in chunks of at most {@value #CHUNK} bytes
     * (bounded callbacks, as a proxy reads its upstream), headers first.
     */
    private void pushResponse(byte[] bytes, boolean end) {
        if (!responseStarted && phase == Phase.APPLICATION && !requestWrapper.bodyOpened()) {
            // An application that answers without having opened the body will not read it: the body
            // passes the plugins before the response does, so a body policy can still answer instead.
            drainRequestBody();
            if (phase != Phase.APPLICATION) {
                return;
            }
        }
        Headers trailers = end ? responseWrapper.trailers() : null;
        if (!responseStarted) {
            responseStarted = true;
            boolean headersOnly = end && bytes.length == 0 && trailers == null;
            responseFlow.push(new HeadersFrame(responseWrapper.capturedHeaders(), headersOnly));
            if (headersOnly) {
                return;
            }
        }
        boolean dataEnds = end && trailers == null;
        int from = 0;
        do {
            int to = Math.min(bytes.length, from + CHUNK);
            boolean last = to == bytes.length;
            if (to > from || (last && dataEnds)) {
                responseFlow.push(new DataFrame(chunk(bytes, from, to), last && dataEnds));
            }
            from = to;
        } while (from < bytes.length);
        if (trailers != null) {
            responseFlow.push(new TrailersFrame(trailers));
        }
    }

    /** Bytes {@code from} to {@code to} of {@code bytes}, which the run owns: all of them need no copy. */
    private static byte[] chunk(byte[] bytes, int from, int to) {
        return from == 0 && to == bytes.length ? bytes : Arrays.copyOfRange(bytes, from, to);
    }

    private void requestArrived(Frame frame) {
        if (frame instanceof HeadersFrame headers) {
            requestHeadersPassed = true;
            if (headers.endOfStream()) {
                requestBody.end();
            }
        } else if (frame instanceof DataFrame data) {
            if (drainingRequestBody) {
                requestBody.discard(data.bytes().length);
            } else {
                requestBody.offer(data.bytes());
            }
            if (data.endOfStream()) {
                requestBody.end();
            }
        } else {
            requestTrailers = ((TrailersFrame) frame).trailers();
            requestBody.end();
        }
    }

    // ---- plugins' effects -----------------------------------------------------------------------------

    /** Applies the queued effects: continues release held frames; a reply or a reset ends the exchange. */
    private void settle() {
        while (phase != Phase.DONE) {
            Effect effect = effects.next();
            if (effect instanceof Reset) {
                resetStream();
            } else if (effect instanceof Reply reply) {
                answer(reply.reply(), reply.viaPlugins());
            } else if (effect instanceof Release release) {
                (release.direction() == Direction.REQUEST ? requestFlow : responseFlow).release(release.stage());
            } else {
                return;
            }
        }
    }

    /**
     * Answers with {@code reply}. A plugin's reply goes through the plugins' response callbacks while no
     * response has entered them (in the request phase, or while the application runs: a body policy that
     * refuses), as Envoy sends local replies through its encoder filters; the application's own output is
     * dropped from then on. Anything else (failures, limits, replies once the response entered the
     * plugins) replaces the response directly, or resets the stream if the response is already committed.
     */
    private void answer(LocalReply reply, boolean viaPlugins) {
        facts.codeDetails(reply.details());
        responseWrapper.discard();
        if (viaPlugins && !responseStarted && !replyThroughPlugins) {
            replyThroughPlugins = true;
            phase = Phase.RESPONSE_END;
            responseStarted = true;
            byte[] body = LocalReplies.body(reply, grpc);
            responseFlow.push(new HeadersFrame(LocalReplies.headers(reply, grpc), body.length == 0));
            if (body.length > 0) {
                responseFlow.push(new DataFrame(body, true));
            }
            return;
        }
        if (sink.committed()) {
            facts.codeDetails(reply.details() + "{stream_reset_after_response_started}");
            LOG.debug("the response had started when {} ({}) was due: resetting the stream", reply.status(), reply.details());
            resetStream();
            return;
        }
        responseStarted = true;
        sink.writeDirectly(LocalReplies.headers(reply, grpc), LocalReplies.body(reply, grpc));
        discardUnreadClientBody();
        finish();
    }

    /**
     * After a reply, reads and drops what is left of a body the run had started to read, up to
     * {@value #DISCARD_LIMIT} bytes: a client still sending then reads the reply instead of a connection
     * reset. A larger rest is left to the container, which closes the connection on it.
     */
    private void discardUnreadClientBody() {
        if (clientBodyEnded || clientAborted || clientBody == null || clientReadUnderWay) {
            return;
        }
        byte[] buffer = new byte[CHUNK];
        long left = DISCARD_LIMIT;
        try {
            int n;
            while (left > 0 && (n = clientBody.read(buffer)) >= 0) {
                left -= n;
            }
            clientBodyEnded = left > 0;
        } catch (IOException | RuntimeException e) {
            clientAborted = true;
        }
    }

    private void resetStream() {
        reset = true;
        responseWrapper.discard();
        finish();
    }

    // ---- waiting for plugins --------------------------------------------------------------------------

    /**
     * Waits for a plugin without holding the thread where the request can go async ({@link Suspension}).
     * Returns {@code false} if an effect arrived meanwhile and the run should go on. Without async support
     * (a servlet not marked async-supported), and in the container's error dispatch, the thread waits.
     */
    private boolean suspend(Flow flow) {
        if (inErrorDispatch || !suspension.possible()) {
            if (!effects.await(pauseDeadline(flow))) {
                pauseExpired(flow);
            }
            return false;
        }
        return effects.suspend(pauseDeadline(flow));
    }

    private static Duration pauseDeadline(Flow flow) {
        return flow.holding().map(stage -> stage.limits().pauseDeadline()).orElse(Duration.ofSeconds(10));
    }

    private void pauseExpired(Flow flow) {
        String plugin = flow.holding().map(Stage::name).orElse("?");
        LOG.warn("plugin '{}' did not continue the {} within its pause deadline ({}): answering 504", plugin,
                flow == requestFlow ? "request" : "response", pauseDeadline(flow));
        effects.interrupt(LocalReplies.pauseDeadline());
    }

    /** The async timeout of a suspended run: the plugin it waits for missed its pause deadline. */
    private void pauseExpiredWhileSuspended() {
        try {
            drive(() -> {
                pauseExpired(phase == Phase.REQUEST ? requestFlow : responseFlow);
                advance(null);
            });
        } catch (IOException | ServletException e) {
            LOG.debug("stream reset after a pause deadline: {}", e.toString());
        }
    }

    private void asyncEnded(boolean error) {
        driving.lock();
        try {
            clientAborted |= error;
            finish();
        } finally {
            driving.unlock();
        }
    }

    // ---- the end --------------------------------------------------------------------------------------

    /** The exchange is over: the log phase runs; later effects are ignored. */
    private void finish() {
        if (facts.ended()) {
            return;
        }
        phase = Phase.DONE;
        facts.finished(statusWithoutPlugins());
        effects.end();
        requestWrapper.deleteParts();
        logPhase.run();
    }

    /**
     * The status the container sends for a response that did not pass the plugins, or {@code -1}: an
     * upgrade the plugins let through, the error page the container renders, the 500 for a failed application.
     */
    private int statusWithoutPlugins() {
        if (upgrade && !replyThroughPlugins) {
            return response.getStatus();
        }
        if (errorPage != null) {
            return errorPage.status();
        }
        return applicationFailed ? HttpServletResponse.SC_INTERNAL_SERVER_ERROR : -1;
    }

    // ---- what the wrappers read -----------------------------------------------------------------------

    RequestBodyStream requestBody() {
        return requestBody;
    }

    BufferingResponseWrapper responseWrapper() {
        return responseWrapper;
    }

    Optional<Map<String, String>> requestTrailers() {
        if (requestTrailers == null) {
            return Optional.empty();
        }
        Map<String, String> fields = new LinkedHashMap<>();
        requestTrailers.fields().forEach(f -> fields.merge(f.name(), f.value(), (a, b) -> a + "," + b));
        return Optional.of(fields);
    }

    boolean responseStarted() {
        return responseStarted;
    }
}
