/**
 * JMH benchmarks of the Wasmgate host core. Each Wasm benchmark is parameterised on the Chicory engine
 * and has a baseline measured in the same run; {@link io.wasmgate.bench.BenchMain} prints the ratios.
 * See {@code bench/README.md}.
 */
package io.wasmgate.bench;
