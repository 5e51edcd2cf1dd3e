/**
 * The Servlet integration of Wasmgate: {@link io.wasmgate.filter.ProxyWasmFilter} runs proxy-wasm plugins
 * in front of any Servlet 6 application (Servlet 4 in the javax build of the same source), configured by
 * YAML ({@code io.wasmgate.filter.config}) or in code. A host that starts and swaps plugins itself (the
 * gateway) hands the filter a {@link io.wasmgate.filter.PluginLineup} of
 * {@link io.wasmgate.filter.PluginRelease}s (a plugin with its optional canary version).
 */
package io.wasmgate.filter;
