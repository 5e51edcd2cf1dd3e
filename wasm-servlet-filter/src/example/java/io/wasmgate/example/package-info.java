/**
 * The example web application packaged as {@code target/example/wasm-servlet-filter-<version>.war} (not published): one servlet,
 * with {@code ProxyWasmFilter} and the add-header policy configured in {@code WEB-INF/web.xml} and
 * {@code WEB-INF/wasmgate.yaml}.
 */
package io.wasmgate.example;
