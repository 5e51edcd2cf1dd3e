package io.wasmgate.abi.wire;

/** What a trailers callback tells the integration to do. */
public enum FilterTrailersStatus {
    CONTINUE,
    STOP_ITERATION;

    /** {@code true} unless the status is {@link #CONTINUE}. */
    public boolean stops() {
        return this != CONTINUE;
    }

    /** Converts a guest return value: 0 continue, anything else stop. */
    public static FilterTrailersStatus fromGuest(int raw) {
        return raw == 0 ? CONTINUE : STOP_ITERATION;
    }
}
