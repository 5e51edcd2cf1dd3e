/**
 * The admin port: Prometheus metrics ({@link io.wasmgate.gateway.admin.GatewayMeters}), readiness, the
 * plugin report, the configuration dump and reload ({@link io.wasmgate.gateway.admin.AdminHandler}).
 */
package io.wasmgate.gateway.admin;
