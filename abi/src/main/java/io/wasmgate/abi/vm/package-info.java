/**
 * The Wasm runtime behind the host: loading and validating modules ({@link io.wasmgate.abi.vm.WasmCode}),
 * instantiating them on Chicory's interpreter or run-time compiler ({@link io.wasmgate.abi.vm.WasmInstance})
 * and bounds-checked guest memory ({@link io.wasmgate.abi.vm.GuestMemory}). Only this package and
 * {@code hostcalls} touch Chicory.
 */
package io.wasmgate.abi.vm;
