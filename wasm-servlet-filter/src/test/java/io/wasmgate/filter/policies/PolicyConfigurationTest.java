package io.wasmgate.filter.policies;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every sample policy refuses a configuration it cannot use: proxy_on_configure returns false, the
 * filter does not start, and the plugin's log names the key and the problem.
 */
class PolicyConfigurationTest {
    static Stream<Arguments> badConfigurations() {
        return Stream.of(
                Arguments.of("headers", "headers", "{ request: { rename: { a: b } } }",
                        "headers: configuration rejected: request.rename: unknown key (known: remove, set, add)"),
                Arguments.of("headers", "headers", "{ cors: { allow_methods: [ GET ] } }",
                        "headers: configuration rejected: cors.allow_origins: must list at least one origin"),
                Arguments.of("api-key", "api_key", "{ header: x-key }",
                        "api-key: configuration rejected: keys: give keys, keys_from_shared_data or both"),
                Arguments.of("api-key", "api_key", "{ keys: [ { name: a, key_sha256: abc } ] }",
                        "api-key: configuration rejected: keys[0].key_sha256: must be 64 hex digits"),
                Arguments.of("api-key", "api_key", "{ keys: [ { name: a, key: k } ], duplicates: first }",
                        "api-key: configuration rejected: duplicates: must be \"reject\" or \"check_all\""),
                Arguments.of("jwt", "jwt", "\"not json\"",
                        "jwt: configuration rejected: not valid JSON: unexpected character at byte 0"),
                Arguments.of("jwt", "jwt", "{ secret: a, secret_base64: YQ }",
                        "jwt: configuration rejected: secret: give exactly one of secret and secret_base64"),
                Arguments.of("jwt", "jwt", "{ secret: a, duplicates: true }",
                        "jwt: configuration rejected: duplicates: must be a string"),
                Arguments.of("rate-limit", "rate_limit", "{ max_tokens: 0 }",
                        "rate-limit: configuration rejected: max_tokens: must be between 1 and 1000000000"),
                Arguments.of("rate-limit", "rate_limit", "{ max_tokens: 5, fill_interval: soon }",
                        "rate-limit: configuration rejected: fill_interval: must be a duration such as 500ms, 2s, 1m or 1h"),
                Arguments.of("ext-authz", "ext_authz", "{ timeout: 1s }",
                        "ext-authz: configuration rejected: cluster: is required"),
                Arguments.of("json-guard", "json_guard", "{ request: { max_body_bytes: -1 } }",
                        "json-guard: configuration rejected: request.max_body_bytes: must be between 0 and 1073741824"),
                Arguments.of("access-log", "", "{ format: xml }",
                        "access-log: configuration rejected: format: must be \"text\" or \"json\""),
                Arguments.of("metrics", "metrics", "{ routes: [ { name: Api, prefix: /api } ] }",
                        "metrics: configuration rejected: routes[0].name: is required and may use a-z, 0-9 and _"),
                Arguments.of("deny-list", "deny_list_service", "{ cluster: lists }",
                        "deny-list service: configuration rejected: path: is required and must start with /"),
                Arguments.of("deny-list", "deny_list", "{ key: \"cookie:id\" }",
                        "deny-list: configuration rejected: key: must be \"source.address\" or \"header:<name>\""),
                Arguments.of("deny-list", "deny_list", "{ key: \"header:x-client\", duplicates: check_any }",
                        "deny-list: configuration rejected: duplicates: must be \"reject\" or \"check_all\""));
    }

    @ParameterizedTest(name = "{0} ({1}): {2}")
    @MethodSource("badConfigurations")
    void aConfigurationThePolicyCannotUseIsRejectedWithTheReason(String policy, String rootId, String configuration,
            String reason) {
        String rejection = PolicyHarness.rejection("""
                plugins:
                  - name: %s
                    module: { classpath: wasmgate/policies/%s.wasm }
                    root_id: "%s"
                    instances: 1
                    configuration: %s
                """.formatted(policy, policy, rootId, configuration));

        assertThat(rejection).contains(reason);
    }
}
