package io.wasmgate.abi.wire;

/**
 * What a headers callback tells the integration to do, after cpp-host's conversion of the guest's raw
 * return value.
 */
public enum FilterHeadersStatus {
    /** Forward the headers and keep going. */
    CONTINUE,
    /** Hold the headers but let body data flow to the plugin (only with allow_on_headers_stop_iteration). */
    STOP_ITERATION,
    /** Hold headers and body, buffering the body, until the plugin continues. */
    STOP_ALL_ITERATION_AND_BUFFER,
    /** Hold headers and body with flow control until the plugin continues; the default "pause". */
    STOP_ALL_ITERATION_AND_WATERMARK;

    /** {@code true} unless the status is {@link #CONTINUE}. */
    public boolean stops() {
        return this != CONTINUE;
    }

    /**
     * Converts a guest return value: 0 continue, 1 pause (promoted to stop-all unless
     * {@code allowStopIteration}), 2 ContinueAndEndStream (Envoy treats it as continue), 3 stop-all and
     * buffer, anything else stop-all with watermark.
     */
    public static FilterHeadersStatus fromGuest(int raw, boolean allowStopIteration) {
        return switch (raw) {
            case 0, 2 -> CONTINUE;
            case 1 -> allowStopIteration ? STOP_ITERATION : STOP_ALL_ITERATION_AND_WATERMARK;
            case 3 -> STOP_ALL_ITERATION_AND_BUFFER;
            default -> STOP_ALL_ITERATION_AND_WATERMARK;
        };
    }
}
