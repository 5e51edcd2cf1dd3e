/**
 * Wasmgate's proxy-wasm host core: load a module built with any proxy-wasm SDK, start it as a plugin and
 * drive HTTP streams through it. Start with {@link io.wasmgate.abi.plugin.Plugin}; integrations implement
 * {@link io.wasmgate.abi.spi.HttpExchange}. Nothing here depends on servlets or Jetty.
 */
package io.wasmgate.abi;
