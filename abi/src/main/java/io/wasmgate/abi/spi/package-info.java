/**
 * What integrations implement and exchange with the host: {@link io.wasmgate.abi.spi.HttpExchange} for a
 * stream's effects and attributes, and the data model of a stream ({@link io.wasmgate.abi.spi.Headers},
 * {@link io.wasmgate.abi.spi.Body}, {@link io.wasmgate.abi.spi.LocalReply}).
 */
package io.wasmgate.abi.spi;
