/**
 * Proxy-wasm contexts and their lifecycle: {@link io.wasmgate.abi.context.ProxyWasmVm} owns
 * one VM instance, its contexts, the effective context and the deferred actions;
 * {@link io.wasmgate.abi.context.RootContext} starts and configures the plugin;
 * {@link io.wasmgate.abi.context.HttpContext} runs an HTTP stream's callbacks and applies the failure
 * policy. Hostcalls never re-enter the guest except through the allocator.
 */
package io.wasmgate.abi.context;
