/**
 * The gateway's configuration: the YAML file of CONFIG.md as written ({@code *Spec} records) and as
 * validated ({@link io.wasmgate.gateway.config.GatewayConfig}), loaded by
 * {@link io.wasmgate.gateway.config.GatewayConfigLoader} with the servlet filter's rules for plugins and
 * clusters.
 */
package io.wasmgate.gateway.config;
