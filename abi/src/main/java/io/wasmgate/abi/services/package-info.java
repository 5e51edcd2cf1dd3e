/**
 * Host-wide services behind the proxy-wasm "general" hostcalls: shared data, shared queues, guest
 * metrics, foreign functions, the host's own meters and the callback deadline watchdog, gathered in
 * {@link io.wasmgate.abi.services.HostServices}.
 */
package io.wasmgate.abi.services;
