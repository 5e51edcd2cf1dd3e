package io.wasmgate.abi.spi;

/** Receives the outcome of one {@code proxy_http_call}; exactly one method is called, once, on any thread. */
public interface HttpCallListener {
    void onResponse(HttpCallResponse response);

    /**
     * No response: the connection was refused or reset, or the timeout passed. The plugin sees a callback
     * with no headers, body or trailers, and {@code proxy_get_status} returns {@code reason}.
     */
    void onFailure(String reason);
}
