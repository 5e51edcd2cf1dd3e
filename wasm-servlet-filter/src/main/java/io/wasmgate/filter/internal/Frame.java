package io.wasmgate.filter.internal;

import io.wasmgate.abi.spi.Headers;

/** What travels through a {@link Flow}: headers, a body chunk, or trailers, in that order. */
sealed interface Frame {
    /** The headers of one direction; {@code endOfStream} when neither body nor trailers follow. */
    record HeadersFrame(Headers headers, boolean endOfStream) implements Frame {}

    /**
     * A body chunk; {@code endOfStream} on the last one when no trailers follow. {@code bytes} is never
     * changed once the frame exists: a plugin's stream keeps a chunk without copying it.
     */
    record DataFrame(byte[] bytes, boolean endOfStream) implements Frame {}

    /** Trailers; always the last frame. */
    record TrailersFrame(Headers trailers) implements Frame {}

    /** Body bytes this frame holds, for buffer limits. */
    default int size() {
        return this instanceof DataFrame data ? data.bytes().length : 0;
    }

    /** {@code true} if nothing follows this frame. */
    default boolean last() {
        if (this instanceof HeadersFrame headers) {
            return headers.endOfStream();
        }
        return !(this instanceof DataFrame data) || data.endOfStream();
    }
}
