/**
 * Wasmgate's Jakarta Servlet filter: {@code io.wasmgate.filter} ({@code ProxyWasmFilter} and the plugin
 * lineup), its YAML configuration ({@code config}), callouts ({@code callout}) and TLS material
 * ({@code tls}). How the filter runs a request ({@code io.wasmgate.filter.internal}) is not exported.
 */
module io.wasmgate.filter {
    requires transitive io.wasmgate.abi;
    requires transitive jakarta.servlet;
    // In the exported API: JsonNode (PluginSpec's configuration values), Jetty's SslContextFactory and
    // SslHandshakeListener (the callout client's TLS).
    requires transitive com.fasterxml.jackson.databind;
    requires transitive org.eclipse.jetty.io;
    requires transitive org.eclipse.jetty.util;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires java.net.http;
    requires org.apache.commons.fileupload2.core;
    requires org.apache.commons.fileupload2.jakarta.servlet6;
    requires org.eclipse.jetty.client;
    requires org.eclipse.jetty.http2.client;
    requires org.eclipse.jetty.http2.client.transport;
    requires org.slf4j;

    exports io.wasmgate.filter;
    exports io.wasmgate.filter.callout;
    exports io.wasmgate.filter.config;
    exports io.wasmgate.filter.tls;

    // Jackson binds the YAML configuration's records reflectively.
    opens io.wasmgate.filter.config to com.fasterxml.jackson.databind;
}
