package io.wasmgate.filter.policies;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.wasmgate.abi.testing.Poll;
import io.wasmgate.filter.policies.PolicyHarness.Container;
import java.net.http.HttpResponse;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The deny-list service and filter together: the service fetches the list from a real upstream on its
 * tick ({@code proxy_http_call}) and publishes it in shared data; the filters (one by client address,
 * one by header) read it and refuse listed clients. A repeated key header is refused, or with
 * {@code duplicates: check_all} refused if any of its values is listed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DenyListPolicyTest {
    private final Map<Container, PolicyHarness> harnesses = new EnumMap<>(Container.class);
    private PolicyUpstream lists;
    private PolicyHarness failClosed;
    private final Map<Container, PolicyHarness> byClient = new EnumMap<>(Container.class);
    private PolicyHarness checkAll;

    @BeforeAll
    void start() throws Exception {
        lists = PolicyUpstream.start();
        lists.list("deny", "# nobody yet\n10.0.0.0/8\n");
        String config = """
                services:
                  - name: deny-list-service
                    module: { classpath: wasmgate/policies/deny-list.wasm }
                    root_id: deny_list_service
                    vm_id: deny
                    instances: 1
                    configuration: { cluster: lists, path: /lists/deny, interval: 100ms, timeout: 2s }
                plugins:
                  - name: deny-by-address
                    module: { classpath: wasmgate/policies/deny-list.wasm }
                    root_id: deny_list
                    vm_id: deny
                    instances: 2
                  - name: deny-by-client
                    module: { classpath: wasmgate/policies/deny-list.wasm }
                    root_id: deny_list
                    vm_id: deny
                    instances: 2
                    configuration: { key: "header:x-client", status: 451 }
                clusters:
                  - { name: lists, url: "%s" }
                """.formatted(lists.url());
        for (Container container : Container.values()) {
            harnesses.put(container, PolicyHarness.start(container, config));
        }
        failClosed = PolicyHarness.start(Container.JETTY, """
                services:
                  - name: no-list-service
                    module: { classpath: wasmgate/policies/deny-list.wasm }
                    root_id: deny_list_service
                    vm_id: strict
                    instances: 1
                    configuration: { cluster: lists, path: /lists/missing, interval: 100ms }
                plugins:
                  - name: strict
                    module: { classpath: wasmgate/policies/deny-list.wasm }
                    root_id: deny_list
                    vm_id: strict
                    instances: 1
                    configuration: { fail_closed: true }
                clusters:
                  - { name: lists, url: "%s" }
                """.formatted(lists.url()));
        lists.list("clients", "mallory\n");
        for (Container container : Container.values()) {
            byClient.put(container, PolicyHarness.start(container, byClientConfig("")));
        }
        checkAll = PolicyHarness.start(Container.JETTY, byClientConfig(", duplicates: check_all"));
    }

    /** The service publishing the list {@code clients} and a filter by {@code x-client} with {@code options}. */
    private String byClientConfig(String options) {
        return """
                services:
                  - name: clients-service
                    module: { classpath: wasmgate/policies/deny-list.wasm }
                    root_id: deny_list_service
                    vm_id: clients
                    instances: 1
                    configuration: { cluster: lists, path: /lists/clients, interval: 100ms, shared_key: clients }
                plugins:
                  - name: deny-by-client
                    module: { classpath: wasmgate/policies/deny-list.wasm }
                    root_id: deny_list
                    vm_id: clients
                    instances: 1
                    configuration: { shared_key: clients, key: "header:x-client", status: 451%s }
                clusters:
                  - { name: lists, url: "%s" }
                """.formatted(options, lists.url());
    }

    @AfterEach
    void resetList() {
        lists.list("deny", "10.0.0.0/8\n");
    }

    @AfterAll
    void stop() throws Exception {
        for (PolicyHarness harness : harnesses.values()) {
            harness.close();
        }
        failClosed.close();
        for (PolicyHarness harness : byClient.values()) {
            harness.close();
        }
        checkAll.close();
        lists.close();
    }

    private static int status(PolicyHarness harness, String client) throws Exception {
        return harness.send(harness.request("/echo").header("x-client", client)).statusCode();
    }

    private static double entries(PolicyHarness harness) {
        Gauge gauge = harness.registry().find("deny_list.entries").tag("plugin", "deny-list-service").gauge();
        return gauge == null ? -1 : gauge.value();
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void clientsOnThePublishedListAreRefusedAndTheOthersServed(Container container) throws Exception {
        PolicyHarness harness = harnesses.get(container);
        Poll.until("the first list", () -> entries(harness) == 1);
        assertThat(status(harness, "alice")).as("127.0.0.1 is not in 10.0.0.0/8").isEqualTo(200);

        lists.list("deny", "10.0.0.0/8\n127.0.0.0/24\nmallory\n");
        Poll.until("the new list to be enforced on every instance", () -> {
            for (int i = 0; i < 4; i++) {
                if (status(harness, "alice") != 403) {
                    return false;
                }
            }
            return true;
        });
        HttpResponse<String> refused = harness.get("/echo");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(refused.body()).isEqualTo("{\"error\":\"forbidden\",\"reason\":\"client is on the deny list\"}");
        assertThat(entries(harness)).isEqualTo(3);
        assertThat(harness.counter("deny_list.denied", "deny-by-address")).isGreaterThanOrEqualTo(5);

        lists.list("deny", "mallory\n");
        Poll.until("the address to be allowed again", () -> status(harness, "alice") == 200
                && status(harness, "alice") == 200 && status(harness, "alice") == 200);
        assertThat(status(harness, "mallory")).as("by header, with its own status").isEqualTo(451);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aFailedFetchKeepsTheListPublishedBefore(Container container) throws Exception {
        PolicyHarness harness = harnesses.get(container);
        lists.list("deny", "mallory\n");
        Poll.until("mallory to be refused", () -> status(harness, "mallory") == 451);
        double failures = harness.counter("deny_list.fetch_failures", "deny-list-service");

        lists.listStatus("deny", 500);
        Poll.until("failed fetches", () -> harness.counter("deny_list.fetch_failures", "deny-list-service") >= failures + 2);

        assertThat(status(harness, "mallory")).isEqualTo(451);
        assertThat(status(harness, "alice")).isEqualTo(200);
        assertThat(harness.log("deny-list-service"))
                .anyMatch(line -> line.contains("deny-list service: fetching /lists/deny failed: status 500; keeping the current list"));
    }

    @Test
    void withFailClosedNothingPassesUntilAListWasPublished() throws Exception {
        HttpResponse<String> response = failClosed.get("/echo");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).isEqualTo("{\"error\":\"unavailable\",\"reason\":\"the deny list is not loaded yet\"}");

        lists.list("missing", "192.0.2.1\n");
        Poll.until("the list to arrive", () -> failClosed.get("/echo").statusCode() == 200);
    }

    private static HttpResponse<String> withClients(PolicyHarness harness, String first, String second) throws Exception {
        return harness.send(harness.request("/echo").header("x-client", first).header("x-client", second));
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aRepeatedClientHeaderIsRefusedAsAnAttack(Container container) throws Exception {
        PolicyHarness harness = byClient.get(container);
        Poll.until("mallory to be refused", () -> status(harness, "mallory") == 451);
        int calls = harness.app().calls();
        HttpResponse<String> response = withClients(harness, "alice", "bob");

        assertThat(response.statusCode()).as("403, not the status for listed clients").isEqualTo(403);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(response.body()).isEqualTo("{\"error\":\"forbidden\",\"reason\":\"more than one x-client header\"}");
        assertThat(withClients(harness, "alice", "mallory").statusCode()).isEqualTo(403);
        assertThat(harness.app().calls()).as("requests the application served").isEqualTo(calls);
        assertThat(status(harness, "alice")).isEqualTo(200);
    }

    @Test
    void withCheckAllARepeatedClientHeaderIsRefusedIfAnyValueIsListed() throws Exception {
        Poll.until("mallory to be refused", () -> status(checkAll, "mallory") == 451);
        int calls = checkAll.app().calls();
        HttpResponse<String> listedLast = withClients(checkAll, "alice", "mallory");
        HttpResponse<String> listedFirst = withClients(checkAll, "mallory", "alice");

        for (HttpResponse<String> response : List.of(listedLast, listedFirst)) {
            assertThat(response.statusCode()).isEqualTo(451);
            assertThat(response.body()).isEqualTo("{\"error\":\"forbidden\",\"reason\":\"client is on the deny list\"}");
        }
        assertThat(checkAll.app().calls()).as("requests the application served").isEqualTo(calls);
        assertThat(withClients(checkAll, "alice", "bob").statusCode()).isEqualTo(200);
    }
}
