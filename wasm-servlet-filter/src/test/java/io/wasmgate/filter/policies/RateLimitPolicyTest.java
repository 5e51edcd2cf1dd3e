package io.wasmgate.filter.policies;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.abi.plugin.Plugin;
import io.wasmgate.abi.plugin.StreamContext;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.testing.Poll;
import io.wasmgate.abi.testing.RecordingExchange;
import io.wasmgate.abi.wire.PropertyValue;
import io.wasmgate.filter.policies.PolicyHarness.Container;
import io.wasmgate.filter.testing.Policies;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The rate-limit policy: one token bucket per client in shared data, counted together by every VM
 * instance, 429 with Retry-After and x-ratelimit-* headers, and refills.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RateLimitPolicyTest {
    private final Map<Container, PolicyHarness> harnesses = new EnumMap<>(Container.class);
    private PolicyHarness refilling;

    @BeforeAll
    void start() throws Exception {
        String config = """
                plugins:
                  - name: rate-limit
                    module: { classpath: wasmgate/policies/rate-limit.wasm }
                    root_id: rate_limit
                    instances: 3
                    configuration: { max_tokens: 3, fill_interval: 1m, key: "header:x-client" }
                """;
        for (Container container : Container.values()) {
            harnesses.put(container, PolicyHarness.start(container, config));
        }
        refilling = PolicyHarness.start(Container.JETTY, """
                plugins:
                  - name: by-address
                    module: { classpath: wasmgate/policies/rate-limit.wasm }
                    root_id: rate_limit
                    instances: 2
                    configuration: { max_tokens: 2, tokens_per_fill: 1, fill_interval: 400ms }
                """);
    }

    @AfterAll
    void stop() throws Exception {
        for (PolicyHarness harness : harnesses.values()) {
            harness.close();
        }
        refilling.close();
    }

    private static HttpResponse<String> as(PolicyHarness harness, String client) throws Exception {
        return harness.send(harness.request("/echo").header("x-client", client));
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aClientGetsItsBurstThen429(Container container) throws Exception {
        PolicyHarness harness = harnesses.get(container);
        List<HttpResponse<String>> allowed = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            allowed.add(as(harness, "burst-" + container));
        }
        int calls = harness.app().calls();
        HttpResponse<String> limited = as(harness, "burst-" + container);

        for (int i = 0; i < 3; i++) {
            HttpResponse<String> response = allowed.get(i);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("x-ratelimit-limit")).hasValue("3");
            assertThat(response.headers().firstValue("x-ratelimit-remaining")).hasValue(Integer.toString(2 - i));
            assertThat(Integer.parseInt(response.headers().firstValue("x-ratelimit-reset").orElseThrow())).isBetween(1, 60);
        }
        assertThat(limited.statusCode()).isEqualTo(429);
        int retryAfter = Integer.parseInt(limited.headers().firstValue("retry-after").orElseThrow());
        assertThat(retryAfter).isBetween(1, 60);
        assertThat(limited.headers().firstValue("x-ratelimit-limit")).hasValue("3");
        assertThat(limited.headers().firstValue("x-ratelimit-remaining")).hasValue("0");
        assertThat(limited.headers().firstValue("x-ratelimit-reset")).hasValue(Integer.toString(retryAfter));
        assertThat(limited.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(limited.body()).isEqualTo("{\"error\":\"rate_limited\",\"reason\":\"too many requests; retry in "
                + retryAfter + " s\"}");
        assertThat(harness.app().calls()).isEqualTo(calls);
        assertThat(harness.counter("rate_limit.limited", "rate-limit")).isGreaterThanOrEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void clientsHaveBucketsOfTheirOwn(Container container) throws Exception {
        PolicyHarness harness = harnesses.get(container);
        for (int i = 0; i < 3; i++) {
            assertThat(as(harness, "first-" + container).statusCode()).isEqualTo(200);
        }
        assertThat(as(harness, "first-" + container).statusCode()).isEqualTo(429);
        assertThat(as(harness, "second-" + container).statusCode()).isEqualTo(200);
    }

    /** Buckets are never deleted (the ABI has no delete): the host shows how many there are, for alerting. */
    @Test
    void everyNewClientsBucketShowsInTheSharedDataGauges() throws Exception {
        PolicyHarness harness = harnesses.get(Container.JETTY);
        double entries = sharedData(harness, "wasmgate.shared_data.entries");
        double size = sharedData(harness, "wasmgate.shared_data.size");

        for (String client : new String[] {"gauge-a", "gauge-b", "gauge-c", "gauge-a"}) {
            assertThat(as(harness, client).statusCode()).isEqualTo(200);
        }

        assertThat(sharedData(harness, "wasmgate.shared_data.entries")).isEqualTo(entries + 3);
        assertThat(sharedData(harness, "wasmgate.shared_data.size")).isGreaterThan(size + 3 * "gauge-a".length());
    }

    /** The gauge's value, 0 before the first entry of the namespace. */
    private static double sharedData(PolicyHarness harness, String gauge) {
        Gauge found = harness.registry().find(gauge).tag("vm_id", "").gauge();
        return found == null ? 0 : found.value();
    }

    /** Concurrent requests land on all three instances; the shared bucket still grants exactly its tokens. */
    @ParameterizedTest
    @EnumSource(Container.class)
    void everyInstanceDrawsFromTheSameBucket(Container container) throws Exception {
        PolicyHarness harness = harnesses.get(container);
        String client = "crowd-" + container;
        assertThat(as(harness, client).statusCode()).as("the first request creates the bucket").isEqualTo(200);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                statuses.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return as(harness, client).statusCode();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, pool));
            }
            List<Integer> results = new ArrayList<>();
            for (CompletableFuture<Integer> status : statuses) {
                results.add(status.get(20, TimeUnit.SECONDS));
            }
            assertThat(results).filteredOn(s -> s == 200).hasSize(2);
            assertThat(results).filteredOn(s -> s == 429).hasSize(22);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Keyed by address, an IPv6 client counts by its /64: it cannot start a bucket (and take the host's memory)
     * for every address it may send from. The addresses are given to the plugin as the host would give them.
     */
    @Test
    void anIpv6ClientCountsByItsSlash64AndAnIpv4MappedOneByItsIpv4Address() {
        try (Plugin plugin = Plugin.start(PluginConfig.builder("by-block").withModule(Policies.policy("rate-limit"))
                .withRootId("rate_limit").withInstances(1)
                .withConfiguration("{\"max_tokens\": 2, \"fill_interval\": \"1h\"}").build())) {
            assertThat(statuses(plugin, "[2001:db8:7:1::a]:40000", "[2001:db8:7:1:ffff:0:0:b]:40001",
                    "[2001:db8:7:1::c]:40002")).containsExactly(200, 200, 429);
            assertThat(statuses(plugin, "[2001:db8:7:2::a]:40003")).as("the next /64").containsExactly(200);
            assertThat(statuses(plugin, "[::ffff:192.0.2.9]:40004", "192.0.2.9:40005", "192.0.2.9:40006"))
                    .containsExactly(200, 200, 429);
        }
    }

    /** The status each request from {@code sources} (as {@code source.address}) gets: 429 if limited, else 200. */
    private static List<Integer> statuses(Plugin plugin, String... sources) {
        List<Integer> statuses = new ArrayList<>();
        for (String source : sources) {
            RecordingExchange exchange = new RecordingExchange();
            exchange.attributes.put("source.address", PropertyValue.ofString(source));
            StreamContext stream = plugin.newStream(exchange);
            stream.onRequestHeaders(new Headers().add(":method", "GET").add(":path", "/").add(":authority", "app"), true);
            statuses.add(exchange.localReplies.isEmpty() ? 200 : exchange.onlyLocalReply().status());
            stream.onLog();
            stream.onDone();
        }
        return statuses;
    }

    /** Keyed by the client address (all tests share 127.0.0.1): two tokens, one more every 400 ms. */
    @Test
    void tokensComeBackWithEachFill() throws Exception {
        Poll.until("a full bucket", () -> refilling.get("/echo").statusCode() == 200
                && refilling.get("/echo").statusCode() == 200);
        assertThat(refilling.get("/echo").statusCode()).isEqualTo(429);

        Poll.until("the next fill", () -> refilling.get("/echo").statusCode() == 200);
        assertThat(refilling.get("/echo").statusCode()).as("one token per fill").isEqualTo(429);
    }
}
