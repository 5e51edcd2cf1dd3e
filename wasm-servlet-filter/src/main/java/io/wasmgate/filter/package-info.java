/**
 * The Jakarta Servlet integration of Wasmgate: {@link io.wasmgate.filter.ProxyWasmFilter} runs proxy-wasm
 * plugins in front of any Servlet 6 application, configured by YAML ({@code io.wasmgate.filter.config})
 * or in code.
 */
package io.wasmgate.filter;
