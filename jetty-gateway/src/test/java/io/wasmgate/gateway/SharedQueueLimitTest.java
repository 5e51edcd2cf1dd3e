package io.wasmgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.wasmgate.gateway.testing.GatewayFixture;
import io.wasmgate.gateway.testing.Upstream;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code shared_queue_limit}: a plugin enqueuing 100 bytes on every request into a queue nobody drains
 * ({@code queue-producer.wat}) fills it to the limit, not the gateway's memory; the oldest items go, every
 * request is still served, the drops are counted, and a reload changes the limit.
 */
class SharedQueueLimitTest {
    @TempDir
    Path dir;

    Upstream app;
    GatewayFixture gateway;

    @BeforeEach
    void start() throws Exception {
        app = Upstream.start("app");
        gateway = GatewayFixture.start(dir, file("1KiB"));
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
        app.close();
    }

    private String file(String limit) {
        return GatewayFixture.PORTS + """
                shared_queue_limit: %s
                plugins:
                  - name: producer
                    module: { file: policies/queue-producer.wasm }
                    vm_id: producers
                clusters:
                  - { name: app, url: "%s" }
                routes:
                  - { match: { prefix: / }, cluster: app, plugins: [ producer ] }
                """.formatted(limit, app.uri());
    }

    @Test
    void aQueueNobodyDrainsKeepsItsNewestItemsWithinTheLimitAndEveryRequestIsServed() throws Exception {
        for (int i = 0; i < 20; i++) {
            assertThat(gateway.get("/item/" + i).statusCode()).isEqualTo(200);
        }

        // 1 KiB holds 4 items of 100 bytes (each counts 100 + 128): 16 of the 20 were dropped.
        assertThat(dropped()).isEqualTo(16.0);
        assertThat(new ObjectMapper().readTree(gateway.adminGet("/config_dump").body()).get("shared_queue_limit_bytes")
                .asLong()).isEqualTo(1024);
    }

    @Test
    void aReloadedLimitAppliesToTheQueuesFromThen() throws Exception {
        for (int i = 0; i < 10; i++) {
            gateway.get("/before/" + i);
        }
        assertThat(dropped()).isEqualTo(6.0);

        gateway.rewrite(file("64KiB"));
        assertThat(gateway.reload().statusCode()).isEqualTo(200);
        for (int i = 0; i < 10; i++) {
            assertThat(gateway.get("/after/" + i).statusCode()).isEqualTo(200);
        }

        assertThat(dropped()).as("14 items now fit").isEqualTo(6.0);
    }

    private double dropped() throws Exception {
        return Prometheus.parse(gateway.adminGet("/stats/prometheus").body())
                .value("wasmgate_shared_queue_dropped_total", "vm_id", "producers", "queue", "events").orElse(0.0);
    }
}
