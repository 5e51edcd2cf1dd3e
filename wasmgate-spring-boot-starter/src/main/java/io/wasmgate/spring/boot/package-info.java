/**
 * Spring Boot 3 auto-configuration of {@link io.wasmgate.filter.ProxyWasmFilter}: see
 * {@link io.wasmgate.spring.boot.WasmgateAutoConfiguration} and {@link io.wasmgate.spring.boot.WasmgateProperties}.
 */
package io.wasmgate.spring.boot;
