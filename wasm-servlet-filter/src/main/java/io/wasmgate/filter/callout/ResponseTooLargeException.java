package io.wasmgate.filter.callout;

import java.io.IOException;

/** Aborts a callout whose response body outgrew what the client buffers for a plugin. */
final class ResponseTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    ResponseTooLargeException(long limit) {
        super("response body larger than " + limit + " bytes");
    }
}
