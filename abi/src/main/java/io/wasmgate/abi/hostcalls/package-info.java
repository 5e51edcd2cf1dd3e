/**
 * The functions a plugin imports, one class per area (logging, context, buffers, header maps, stream
 * control, properties, WASI). Each hostcall decodes its arguments, calls one context method and returns
 * a {@link io.wasmgate.abi.wire.WasmResult}; guest mistakes never become Java exceptions.
 */
package io.wasmgate.abi.hostcalls;
