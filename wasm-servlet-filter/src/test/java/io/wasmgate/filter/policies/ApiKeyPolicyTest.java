package io.wasmgate.filter.policies;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.testing.Poll;
import io.wasmgate.filter.policies.PolicyHarness.Container;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The api-key policy: keys from its configuration (plain and as SHA-256) and from shared data, published
 * there by the deny-list service from a real list upstream; in a header or a query parameter; more than one
 * key refused, or with {@code duplicates: check_all} every one of them checked.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiKeyPolicyTest {
    private final Map<Container, PolicyHarness> harnesses = new EnumMap<>(Container.class);
    private PolicyUpstream lists;
    private PolicyHarness checkAll;

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    @BeforeAll
    void start() throws Exception {
        lists = PolicyUpstream.start();
        lists.list("keys", "# published keys\ncarol: k-carol-777\n\n");
        String config = """
                services:
                  - name: key-publisher
                    module: { classpath: wasmgate/policies/deny-list.wasm }
                    root_id: deny_list_service
                    vm_id: keys
                    instances: 1
                    configuration: { cluster: lists, path: /lists/keys, interval: 1s, shared_key: api_keys }
                plugins:
                  - name: api-key
                    module: { classpath: wasmgate/policies/api-key.wasm }
                    root_id: api_key
                    vm_id: keys
                    instances: 2
                    configuration:
                      keys:
                        - { name: alice, key: k-alice-0123456789 }
                        - { name: bob, key_sha256: "%s" }
                      keys_from_shared_data: api_keys
                      query_param: api_key
                clusters:
                  - { name: lists, url: "%s" }
                """.formatted(sha256("k-bob-secret"), lists.url());
        for (Container container : Container.values()) {
            harnesses.put(container, PolicyHarness.start(container, config));
        }
        checkAll = PolicyHarness.start(Container.JETTY, """
                plugins:
                  - name: api-key-check-all
                    module: { classpath: wasmgate/policies/api-key.wasm }
                    root_id: api_key
                    instances: 1
                    configuration:
                      keys: [ { name: alice, key: k-alice-0123456789 }, { name: bob, key: k-bob-secret } ]
                      query_param: api_key
                      duplicates: check_all
                """);
    }

    @AfterAll
    void stop() throws Exception {
        for (PolicyHarness harness : harnesses.values()) {
            harness.close();
        }
        checkAll.close();
        lists.close();
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aRequestWithoutAKeyGets401WithAChallenge(Container container) throws Exception {
        PolicyHarness harness = harnesses.get(container);
        int calls = harness.app().calls();
        double rejected = harness.counter("api_key.rejected", "api-key");
        HttpResponse<String> response = harness.get("/echo");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("www-authenticate")).hasValue("ApiKey realm=\"wasmgate\"");
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(response.body()).isEqualTo("{\"error\":\"unauthorized\",\"reason\":\"missing API key\"}");
        assertThat(harness.app().calls()).isEqualTo(calls);
        assertThat(harness.counter("api_key.rejected", "api-key")).isEqualTo(rejected + 1);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void anUnknownKeyGets401(Container container) throws Exception {
        PolicyHarness harness = harnesses.get(container);
        HttpResponse<String> response = harness.send(harness.request("/echo").header("x-api-key", "k-alice-012345678"));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).isEqualTo("{\"error\":\"unauthorized\",\"reason\":\"invalid API key\"}");
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aKnownKeyPassesWithItsNameAndWithoutTheKey(Container container) throws Exception {
        PolicyHarness harness = harnesses.get(container);
        HttpResponse<String> response = harness.send(harness.request("/echo").header("x-api-key", "k-alice-0123456789")
                .header("x-api-key-name", "admin"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("header.x-api-key-name=alice\n").doesNotContain("header.x-api-key=");
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aKeyConfiguredAsItsDigestPasses(Container container) throws Exception {
        PolicyHarness harness = harnesses.get(container);
        HttpResponse<String> response = harness.send(harness.request("/echo").header("x-api-key", "k-bob-secret"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("header.x-api-key-name=bob\n");
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aKeyInTheQueryPassesAndIsRemovedFromIt(Container container) throws Exception {
        PolicyHarness harness = harnesses.get(container);
        HttpResponse<String> response = harness.get("/echo?page=2&api_key=k-alice-0123456789&sort=name");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("query=page=2&sort=name\n", "header.x-api-key-name=alice\n");
    }

    @Test
    void withKeysOnlyFromSharedDataNothingPassesBeforeTheyArePublished() throws Exception {
        try (PolicyHarness unpublished = PolicyHarness.start(Container.JETTY, """
                plugins:
                  - name: api-key-unpublished
                    module: { classpath: wasmgate/policies/api-key.wasm }
                    root_id: api_key
                    instances: 1
                    configuration: { keys_from_shared_data: nobody_publishes_this }
                """)) {
            HttpResponse<String> response = unpublished.send(unpublished.request("/echo").header("x-api-key", "k-carol-777"));

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.body()).isEqualTo("{\"error\":\"unavailable\",\"reason\":\"API keys are not loaded yet\"}");
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aKeyPublishedInSharedDataPasses(Container container) throws Exception {
        PolicyHarness harness = harnesses.get(container);
        Poll.until("the published key to be accepted on every instance", () -> {
            for (int i = 0; i < 4; i++) {
                if (harness.send(harness.request("/echo").header("x-api-key", "k-carol-777")).statusCode() != 200) {
                    return false;
                }
            }
            return true;
        });
        HttpResponse<String> response = harness.send(harness.request("/echo").header("x-api-key", "k-carol-777"));

        assertThat(response.body()).contains("header.x-api-key-name=carol\n");
    }

    private static void assertRefused(PolicyHarness harness, int callsBefore, HttpResponse<String> response, String reason) {
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("www-authenticate")).hasValue("ApiKey realm=\"wasmgate\"");
        assertThat(response.body()).isEqualTo("{\"error\":\"unauthorized\",\"reason\":\"" + reason + "\"}");
        assertThat(harness.app().calls()).as("requests the application served").isEqualTo(callsBefore);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aSecondKeyHeaderIsRefusedAsAnAttack(Container container) throws Exception {
        PolicyHarness harness = harnesses.get(container);
        int calls = harness.app().calls();
        double rejected = harness.counter("api_key.rejected", "api-key");
        HttpResponse<String> knownThenUnknown = harness.send(harness.request("/echo")
                .header("x-api-key", "k-alice-0123456789").header("x-api-key", "k-mallory"));
        HttpResponse<String> knownTwice = harness.send(harness.request("/echo")
                .header("x-api-key", "k-alice-0123456789").header("x-api-key", "k-alice-0123456789"));

        assertRefused(harness, calls, knownThenUnknown, "more than one API key");
        assertRefused(harness, calls, knownTwice, "more than one API key");
        assertThat(harness.counter("api_key.rejected", "api-key")).isEqualTo(rejected + 2);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aKeyRepeatedInTheQueryOrGivenInBothHeaderAndQueryIsRefused(Container container) throws Exception {
        PolicyHarness harness = harnesses.get(container);
        int calls = harness.app().calls();
        HttpResponse<String> repeatedParameter = harness.get("/echo?api_key=k-alice-0123456789&api_key=k-mallory");
        HttpResponse<String> headerAndParameter = harness.send(harness.request("/echo?api_key=k-mallory")
                .header("x-api-key", "k-alice-0123456789"));

        assertRefused(harness, calls, repeatedParameter, "more than one API key");
        assertRefused(harness, calls, headerAndParameter, "more than one API key");
    }

    @Test
    void withCheckAllRepeatedKeysPassWhenEveryOneIsKnown() throws Exception {
        HttpResponse<String> twoHeaders = checkAll.send(checkAll.request("/echo")
                .header("x-api-key", "k-alice-0123456789").header("x-api-key", "k-bob-secret"));
        HttpResponse<String> headerAndParameter = checkAll.send(checkAll.request("/echo?api_key=k-bob-secret&page=2")
                .header("x-api-key", "k-alice-0123456789"));

        assertThat(twoHeaders.statusCode()).isEqualTo(200);
        assertThat(twoHeaders.body()).as("the first key's name, and no key")
                .contains("header.x-api-key-name=alice\n").doesNotContain("header.x-api-key=");
        assertThat(headerAndParameter.statusCode()).isEqualTo(200);
        assertThat(headerAndParameter.body()).contains("query=page=2\n", "header.x-api-key-name=alice\n");
    }

    @Test
    void withCheckAllOneUnknownKeyAmongSeveralIsRefused() throws Exception {
        int calls = checkAll.app().calls();
        HttpResponse<String> knownThenUnknown = checkAll.send(checkAll.request("/echo")
                .header("x-api-key", "k-alice-0123456789").header("x-api-key", "k-mallory"));
        HttpResponse<String> unknownThenKnown = checkAll.send(checkAll.request("/echo")
                .header("x-api-key", "k-mallory").header("x-api-key", "k-alice-0123456789"));
        HttpResponse<String> unknownInTheQuery = checkAll.send(checkAll.request("/echo?api_key=k-mallory")
                .header("x-api-key", "k-alice-0123456789"));

        assertRefused(checkAll, calls, knownThenUnknown, "invalid API key");
        assertRefused(checkAll, calls, unknownThenKnown, "invalid API key");
        assertRefused(checkAll, calls, unknownInTheQuery, "invalid API key");
    }
}
