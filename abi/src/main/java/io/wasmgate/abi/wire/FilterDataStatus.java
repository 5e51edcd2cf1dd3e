package io.wasmgate.abi.wire;

/** What a body callback tells the integration to do. */
public enum FilterDataStatus {
    /** Forward the (possibly modified) buffered body. */
    CONTINUE,
    /** Keep this chunk; later chunks are appended and the next callback sees the cumulative body. */
    STOP_ITERATION_AND_BUFFER,
    /** As {@link #STOP_ITERATION_AND_BUFFER}, with flow control instead of a hard buffer limit. */
    STOP_ITERATION_AND_WATERMARK,
    /** Hold this chunk without buffering further data. */
    STOP_ITERATION_NO_BUFFER;

    /** {@code true} unless the status is {@link #CONTINUE}. */
    public boolean stops() {
        return this != CONTINUE;
    }

    /** Converts a guest return value: 0 continue, 1 buffer, 2 watermark, anything else no-buffer. */
    public static FilterDataStatus fromGuest(int raw) {
        return switch (raw) {
            case 0 -> CONTINUE;
            case 1 -> STOP_ITERATION_AND_BUFFER;
            case 2 -> STOP_ITERATION_AND_WATERMARK;
            default -> STOP_ITERATION_NO_BUFFER;
        };
    }
}
