/**
 * The asynchronous callout client behind {@code proxy_http_call} and the gRPC callouts: a
 * {@link io.wasmgate.filter.callout.JettyCalloutClient} implements abi's
 * {@link io.wasmgate.abi.spi.CalloutClient} for named {@link io.wasmgate.filter.callout.Cluster clusters},
 * over Jetty's HttpClient with HTTP/1.1 and HTTP/2 cleartext. Give it to the host with
 * {@code HostServices.builder().withCalloutClient(client)}; close it after the services.
 *
 * <p>Inside: {@code HttpCallExchange} (one HTTP call), {@code GrpcCallExchange} (one gRPC call, framed by
 * {@code GrpcFrameDecoder}, its end mapped by {@code GrpcStatusMapping}) and {@code UpstreamFailure} (the
 * short reason a plugin reads when a call gets no answer).
 */
package io.wasmgate.filter.callout;
