/**
 * Wasmgate's embedded Jetty gateway: a reverse proxy whose routes run proxy-wasm plugins, configured by
 * one YAML file (docs/configuration.md), with an admin port. {@link io.wasmgate.gateway.Gateway} is the entry point;
 * {@code cli.GatewayCommand} the command line.
 */
package io.wasmgate.gateway;
