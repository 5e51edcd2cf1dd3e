package io.wasmgate.filter;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.abi.testing.Modules;
import io.wasmgate.filter.config.PluginChainConfig;
import io.wasmgate.filter.testing.ApplicationServlet;
import io.wasmgate.filter.testing.JettyServer;
import io.wasmgate.filter.testing.TestServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a {@link FilterHost} gives the plugins it starts, through real requests on Jetty. */
class FilterHostTest {
    /**
     * A plugin enqueuing 100 bytes on every request into a queue nobody drains ({@code queue-producer.wat}):
     * 1 KiB holds 4 such items (each counts 100 + 128 bytes), so 16 of 20 are dropped, and every request served.
     */
    @Test
    void itsSharedQueuesHoldNoMoreThanTheConfiguredLimit() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        PluginChainConfig config = PluginChainConfig.of(List.of(PluginConfig.builder("producer")
                .withModule(Modules.fixture("queue-producer")).withVmId("producers").withInstances(1).build()))
                .withSharedQueueMaxBytes(1024);
        HttpClient client = HttpClient.newHttpClient();
        try (FilterHost host = FilterHost.start(config, meters)) {
            TestServer server = new JettyServer();
            server.start(new ProxyWasmFilter(host.lineup()), new ApplicationServlet(), true);
            try {
                for (int i = 0; i < 20; i++) {
                    int status = client.send(HttpRequest.newBuilder(server.uri("/app/echo?i=" + i)).build(),
                            BodyHandlers.discarding()).statusCode();
                    assertThat(status).isEqualTo(200);
                }
            } finally {
                server.stop();
            }
        }

        assertThat(meters.get("wasmgate.shared_queue.dropped").tag("vm_id", "producers").tag("queue", "events")
                .counter().count()).isEqualTo(16);
    }
}
