/**
 * The Wasm runtime behind the host: loading and validating modules ({@link io.wasmgate.abi.vm.WasmCode}),
 * instantiating them on Chicory's interpreter or run-time compiler ({@link io.wasmgate.abi.vm.WasmInstance}),
 * the guest's linear memory ({@code FlatMemory}, one array) and the host's bounds-checked view of it
 * ({@link io.wasmgate.abi.vm.GuestMemory}). Only this package and {@code hostcalls} touch Chicory.
 */
package io.wasmgate.abi.vm;
