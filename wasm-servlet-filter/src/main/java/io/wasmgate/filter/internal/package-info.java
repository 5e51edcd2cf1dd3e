/**
 * How {@code ProxyWasmFilter} runs a request through proxy-wasm plugins; not API. A
 * {@link io.wasmgate.filter.FilterHost} owns what a configured filter started (host services, callout
 * client, plugins); a {@link io.wasmgate.filter.internal.PluginChain} runs requests through a
 * lineup of them; each request gets a {@code FilterChainRun}: the request and response {@code Flow}s
 * through the plugins' stream contexts, the request and response wrappers the application sees, and the
 * {@code HttpExchange} effects (continue, local reply, reset) the plugins send back, possibly from other
 * threads.
 */
package io.wasmgate.filter.internal;
