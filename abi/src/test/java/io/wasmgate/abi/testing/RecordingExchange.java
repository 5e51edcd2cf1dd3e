package io.wasmgate.abi.testing;

import io.wasmgate.abi.spi.HttpExchange;
import io.wasmgate.abi.spi.LocalReply;
import io.wasmgate.abi.wire.PropertyValue;
import io.wasmgate.abi.wire.StreamType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A test-scope in-memory exchange: records every effect the host delivers and serves given attributes.
 * Tests may override a method to make the integration misbehave.
 */
public class RecordingExchange implements HttpExchange {
    public final List<StreamType> continued = new ArrayList<>();
    public final List<StreamType> closed = new ArrayList<>();
    public final List<LocalReply> localReplies = new ArrayList<>();
    public final Map<String, PropertyValue> attributes = new HashMap<>();

    @Override
    public void continueStream(StreamType direction) {
        continued.add(direction);
    }

    @Override
    public void closeStream(StreamType direction) {
        closed.add(direction);
    }

    @Override
    public void sendLocalReply(LocalReply reply) {
        localReplies.add(reply);
    }

    @Override
    public Optional<PropertyValue> attribute(String name) {
        return Optional.ofNullable(attributes.get(name));
    }

    /** The only local reply sent. */
    public LocalReply onlyLocalReply() {
        if (localReplies.size() != 1) {
            throw new AssertionError("expected exactly one local reply, got " + localReplies);
        }
        return localReplies.get(0);
    }
}
