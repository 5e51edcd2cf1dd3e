/**
 * The serving path: {@link io.wasmgate.gateway.proxy.GatewayHandler} matches a route of the current
 * {@link io.wasmgate.gateway.proxy.RouteTable}, the {@link io.wasmgate.gateway.proxy.RouteServlet} runs the
 * route's plugins (the servlet filter) in front of the
 * {@link io.wasmgate.gateway.proxy.UpstreamProxy} of its cluster (Jetty's ProxyServlet).
 */
package io.wasmgate.gateway.proxy;
