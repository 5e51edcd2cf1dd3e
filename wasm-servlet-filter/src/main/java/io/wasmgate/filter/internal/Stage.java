package io.wasmgate.filter.internal;

import io.wasmgate.abi.config.Limits;
import io.wasmgate.abi.plugin.Plugin;
import io.wasmgate.abi.plugin.StreamContext;
import io.wasmgate.abi.spi.Body;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.spi.HttpExchange;
import io.wasmgate.abi.spi.LocalReply;
import io.wasmgate.abi.wire.FilterDataStatus;
import io.wasmgate.abi.wire.FilterHeadersStatus;
import io.wasmgate.abi.wire.FilterTrailersStatus;
import io.wasmgate.abi.wire.PropertyValue;
import io.wasmgate.abi.wire.StreamType;
import java.util.Optional;

/**
 * One plugin's stream in one request: its {@link StreamContext}, and the {@link HttpExchange} through
 * which the plugin's effects reach the run's {@link PluginEffects}, tagged with this stage, and the
 * plugin reads the exchange's attributes.
 */
final class Stage implements HttpExchange {
    private final PluginEffects effects;
    private final ExchangeAttributes attributes;
    private final Plugin plugin;
    private final StreamContext context;

    Stage(PluginEffects effects, ExchangeAttributes attributes, Plugin plugin) {
        this.effects = effects;
        this.attributes = attributes;
        this.plugin = plugin;
        this.context = plugin.newStream(this);
    }

    String name() {
        return plugin.config().name();
    }

    Limits limits() {
        return plugin.config().limits();
    }

    /** {@code true} if {@code plugin} has a body callback for {@code direction}, and so may change that body. */
    static boolean seesBody(Plugin plugin, Direction direction) {
        return plugin.code().exports(direction == Direction.REQUEST ? "proxy_on_request_body" : "proxy_on_response_body");
    }

    StreamContext context() {
        return context;
    }

    FilterHeadersStatus headers(Direction direction, Headers headers, boolean endOfStream) {
        return direction == Direction.REQUEST ? context.onRequestHeaders(headers, endOfStream)
                : context.onResponseHeaders(headers, endOfStream);
    }

    FilterDataStatus body(Direction direction, byte[] chunk, boolean endOfStream) {
        return direction == Direction.REQUEST ? context.onRequestBody(chunk, endOfStream)
                : context.onResponseBody(chunk, endOfStream);
    }

    FilterTrailersStatus trailers(Direction direction, Headers trailers) {
        return direction == Direction.REQUEST ? context.onRequestTrailers(trailers) : context.onResponseTrailers(trailers);
    }

    /** Trailers of {@code direction} the plugin has, including ones it added from the last body callback. */
    Optional<Headers> trailers(Direction direction) {
        return direction == Direction.REQUEST ? context.requestTrailers() : context.responseTrailers();
    }

    /** What the plugin holds or just passed in {@code direction}. */
    Body buffered(Direction direction) {
        return direction == Direction.REQUEST ? context.requestBody() : context.responseBody();
    }

    @Override
    public void continueStream(StreamType direction) {
        effects.continued(this, Direction.of(direction));
    }

    @Override
    public void closeStream(StreamType direction) {
        effects.closed(this);
    }

    @Override
    public void sendLocalReply(LocalReply reply) {
        effects.replied(this, reply);
    }

    @Override
    public Optional<PropertyValue> attribute(String name) {
        return attributes.get(name);
    }
}
