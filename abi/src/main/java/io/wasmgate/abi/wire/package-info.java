/**
 * The proxy-wasm ABI's numbers and byte formats: status codes, buffer/map/stream/metric types, log
 * levels, filter statuses, the header-pairs codec and property paths and values. Pure functions with no
 * dependency on the Wasm runtime.
 */
package io.wasmgate.abi.wire;
