/**
 * The command line ({@link io.wasmgate.gateway.cli.GatewayCommand}, picocli) and the built-in
 * {@link io.wasmgate.gateway.cli.Demo} with its echo upstream.
 */
package io.wasmgate.gateway.cli;
