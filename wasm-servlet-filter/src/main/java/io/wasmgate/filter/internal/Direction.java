package io.wasmgate.filter.internal;

import io.wasmgate.abi.wire.StreamType;

/** Which way a {@link Flow} runs: the request through the plugins in order, the response in reverse. */
enum Direction {
    REQUEST,
    RESPONSE;

    /** The direction {@code proxy_continue_stream} / {@code proxy_close_stream} name with {@code type}. */
    static Direction of(StreamType type) {
        return type == StreamType.HTTP_RESPONSE ? RESPONSE : REQUEST;
    }
}
