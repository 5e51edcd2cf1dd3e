package io.wasmgate.filter.internal;

import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.wire.FilterHeadersStatus;
import io.wasmgate.filter.internal.Frame.DataFrame;
import io.wasmgate.filter.internal.Frame.HeadersFrame;
import io.wasmgate.filter.internal.Frame.TrailersFrame;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One direction of a request through the plugins, as Envoy's filter manager runs it: each frame
 * (headers, body chunks, trailers) is offered to the stages in order; a stage that stops holds the
 * direction there until the plugin continues. Headers or trailers held stop everything behind them
 * (body chunks wait in the stage's inbox, bounded by {@code max_buffered_body}), except headers held
 * with {@code StopIteration} (a plugin with {@code allow_on_headers_stop_iteration}): its body callbacks
 * go on, and one that continues releases the headers with the body, as in Envoy. A held body keeps
 * receiving chunks, cumulatively, in the plugin's buffer. What passes the last stage goes to the sink.
 *
 * <p>Only the thread driving the run touches a flow. After each callback the flow stops if the run was
 * interrupted (a local reply, a failure, a reset), leaving the rest to the run.
 */
final class Flow {
    private enum Hold { NONE, HEADERS, BODY, TRAILERS }

    private static final class StageState {
        /** Only a stage that holds queues frames, and rarely many: start small. */
        final ArrayDeque<Frame> inbox = new ArrayDeque<>(2);
        Hold hold = Hold.NONE;
        HeadersFrame heldHeaders;
        /** Headers held with StopIteration: body chunks still reach the plugin. */
        boolean bodyWhileHeadersHeld;
        TrailersFrame heldTrailers;
        boolean bodyPending;
        boolean bodyEnded;
        long inboxBytes;
    }

    private final Direction direction;
    private final List<Stage> stages;
    private final StageState[] states;
    private final PluginEffects effects;
    private final Consumer<Frame> sink;
    private boolean ended;

    /** {@code stages} in this direction's order; {@code sink} receives what passes them all. */
    Flow(Direction direction, List<Stage> stages, PluginEffects effects, Consumer<Frame> sink) {
        this.direction = direction;
        this.stages = stages;
        this.effects = effects;
        this.sink = sink;
        this.states = new StageState[stages.size()];
        for (int i = 0; i < states.length; i++) {
            states[i] = new StageState();
        }
    }

    /** Offers {@code frame} to the first stage and runs the flow as far as it goes. */
    void push(Frame frame) {
        forward(-1, frame);
        pump(0);
    }

    /** {@code true} once the last frame reached the sink. */
    boolean ended() {
        return ended;
    }

    /** The first stage holding this direction, if any: its plugin decides how long the wait may last. */
    Optional<Stage> holding() {
        for (int i = 0; i < states.length; i++) {
            if (states[i].hold != Hold.NONE || !states[i].inbox.isEmpty()) {
                return Optional.of(stages.get(i));
            }
        }
        return Optional.empty();
    }

    /** The plugin of {@code stage} continued this direction: release what it held and run on. */
    void release(Stage stage) {
        int at = stages.indexOf(stage);
        StageState state = states[at];
        Hold hold = state.hold;
        state.hold = Hold.NONE;
        switch (hold) {
            case HEADERS -> {
                forward(at, state.heldHeaders);
                forwardBody(at, state);
            }
            case BODY -> forwardBody(at, state);
            case TRAILERS -> {
                forwardBody(at, state);
                forward(at, state.heldTrailers);
            }
            case NONE -> { }
        }
        pump(at);
    }

    private void pump(int from) {
        for (int i = from; i < states.length && !effects.interrupted(); i++) {
            drain(i);
        }
    }

    private void drain(int at) {
        StageState state = states[at];
        Stage stage = stages.get(at);
        while (!state.inbox.isEmpty() && takes(state, state.inbox.peek()) && !effects.interrupted()) {
            Frame frame = state.inbox.poll();
            state.inboxBytes -= frame.size();
            if (frame instanceof HeadersFrame headers) {
                FilterHeadersStatus status = stage.headers(direction, headers.headers(), headers.endOfStream());
                if (status.stops()) {
                    state.hold = Hold.HEADERS;
                    state.heldHeaders = headers;
                    state.bodyWhileHeadersHeld = status == FilterHeadersStatus.STOP_ITERATION;
                } else {
                    forward(at, headers);
                }
            } else if (frame instanceof DataFrame data && state.hold == Hold.HEADERS) {
                onDataWhileHeadersHeld(at, state, stage, data);
            } else if (frame instanceof DataFrame data) {
                onData(at, state, stage, data);
            } else {
                TrailersFrame trailers = (TrailersFrame) frame;
                if (stage.trailers(direction, trailers.trailers()).stops()) {
                    state.hold = Hold.TRAILERS;
                    state.heldTrailers = trailers;
                } else {
                    forwardBody(at, state);
                    state.hold = Hold.NONE;
                    forward(at, trailers);
                }
            }
        }
    }

    /** Whether the stage takes {@code next} now: anything unless it holds headers or trailers; body chunks behind StopIteration headers. */
    private static boolean takes(StageState state, Frame next) {
        return switch (state.hold) {
            case NONE, BODY -> true;
            case HEADERS -> state.bodyWhileHeadersHeld && next instanceof DataFrame;
            case TRAILERS -> false;
        };
    }

    /** A body callback behind held headers: a plugin that continues releases the headers and the body. */
    private void onDataWhileHeadersHeld(int at, StageState state, Stage stage, DataFrame data) {
        state.bodyEnded = data.endOfStream();
        state.bodyPending = true;
        if (!stage.body(direction, data.bytes(), data.endOfStream()).stops()) {
            state.hold = Hold.NONE;
            forward(at, state.heldHeaders);
            forwardBody(at, state);
        }
    }

    /** A held body keeps growing in the plugin's buffer; the host answers 413/502 beyond {@code max_buffered_body}. */
    private void onData(int at, StageState state, Stage stage, DataFrame data) {
        state.bodyEnded = data.endOfStream();
        state.bodyPending = true;
        if (stage.body(direction, data.bytes(), data.endOfStream()).stops()) {
            state.hold = Hold.BODY;
        } else {
            state.hold = Hold.NONE;
            forwardBody(at, state);
        }
    }

    /**
     * Forwards what the plugin holds or passed; at the end of the stream, followed by the trailers the
     * plugin added from that last body callback (Envoy's {@code addEncodedTrailers}).
     */
    private void forwardBody(int at, StageState state) {
        if (!state.bodyPending) {
            return;
        }
        state.bodyPending = false;
        Stage stage = stages.get(at);
        Optional<Headers> added = state.bodyEnded ? stage.trailers(direction) : Optional.empty();
        forward(at, new DataFrame(stage.buffered(direction).share(), state.bodyEnded && added.isEmpty()));
        if (added.isPresent()) {
            forward(at, new TrailersFrame(added.get()));
        }
    }

    private void forward(int from, Frame frame) {
        int to = from + 1;
        if (to == states.length) {
            if (frame.last()) {
                ended = true;
            }
            sink.accept(frame);
            return;
        }
        StageState next = states[to];
        next.inbox.add(frame);
        next.inboxBytes += frame.size();
        if (next.hold == Hold.HEADERS && !next.bodyWhileHeadersHeld
                && next.inboxBytes > stages.get(to).limits().maxBufferedBody()) {
            effects.bufferLimit(stages.get(to), direction);
        }
    }
}
