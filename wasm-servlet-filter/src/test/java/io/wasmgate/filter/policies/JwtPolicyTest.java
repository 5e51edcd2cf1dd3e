package io.wasmgate.filter.policies;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.testing.Jwts;
import io.wasmgate.filter.policies.PolicyHarness.Container;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The jwt policy with tokens made by the JDK: signature (the policy's own SHA-256 and HMAC), exp and nbf
 * with clock skew, issuer, audience, claims copied into headers, and the reasons of 401s; a repeated
 * authorization header refused, or with {@code duplicates: check_all} every value checked.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JwtPolicyTest {
    private static final String SECRET = "a-shared-secret-of-at-least-32-bytes!";
    /** 100 bytes: longer than SHA-256's block, so HMAC hashes it first. */
    private static final byte[] LONG_SECRET = new byte[100];

    static {
        new Random(7).nextBytes(LONG_SECRET);
    }

    private final Map<Container, PolicyHarness> harnesses = new EnumMap<>(Container.class);
    private PolicyHarness longSecret;
    private PolicyHarness checkAll;

    @BeforeAll
    void start() throws Exception {
        String config = """
                plugins:
                  - name: jwt
                    module: { classpath: wasmgate/policies/jwt.wasm }
                    root_id: jwt
                    instances: 2
                    configuration:
                      secret: "%s"
                      issuer: [ "https://auth.example.com", "https://auth2.example.com" ]
                      audience: orders
                      clock_skew_seconds: 60
                      claims_to_headers: { sub: x-jwt-sub, tenant.id: x-tenant, roles: x-roles, admin: x-admin }
                """.formatted(SECRET);
        for (Container container : Container.values()) {
            harnesses.put(container, PolicyHarness.start(container, config));
        }
        longSecret = PolicyHarness.start(Container.JETTY, """
                plugins:
                  - name: jwt-long-secret
                    module: { classpath: wasmgate/policies/jwt.wasm }
                    root_id: jwt
                    instances: 1
                    configuration:
                      secret_base64: "%s"
                      require_exp: false
                      header: x-token
                      prefix: ""
                      forward_token: false
                """.formatted(Base64.getEncoder().encodeToString(LONG_SECRET)));
        checkAll = PolicyHarness.start(Container.JETTY, """
                plugins:
                  - name: jwt-check-all
                    module: { classpath: wasmgate/policies/jwt.wasm }
                    root_id: jwt
                    instances: 1
                    configuration:
                      secret: "%s"
                      issuer: https://auth.example.com
                      audience: orders
                      claims_to_headers: { sub: x-jwt-sub }
                      duplicates: check_all
                """.formatted(SECRET));
    }

    @AfterAll
    void stop() throws Exception {
        for (PolicyHarness harness : harnesses.values()) {
            harness.close();
        }
        longSecret.close();
        checkAll.close();
    }

    private static String claims(String extra) {
        return "{\"iss\":\"https://auth.example.com\",\"aud\":\"orders\",\"sub\":\"user-42\",\"exp\":" + Jwts.now(300)
                + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    private static HttpResponse<String> withToken(PolicyHarness harness, String token) throws Exception {
        return harness.send(harness.request("/echo").header("authorization", "Bearer " + token));
    }

    private static void assertRejected(HttpResponse<String> response, String reason) {
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).isEqualTo("{\"error\":\"invalid_token\",\"reason\":\"" + reason + "\"}");
        assertThat(response.headers().firstValue("www-authenticate")).hasValue(
                "Bearer realm=\"wasmgate\", error=\"invalid_token\", error_description=\"" + reason + "\"");
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aValidTokenPassesWithItsClaimsInHeaders(Container container) throws Exception {
        PolicyHarness harness = harnesses.get(container);
        String token = Jwts.token(SECRET, claims("\"tenant\":{\"id\":\"acme\"},\"roles\":[\"reader\",\"writer\"],\"admin\":false"));
        HttpResponse<String> response = harness.send(harness.request("/echo").header("authorization", "bearer " + token)
                .header("x-jwt-sub", "root").header("x-admin", "true"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("header.x-jwt-sub=user-42\n", "header.x-tenant=acme\n",
                "header.x-roles=reader,writer\n", "header.x-admin=false\n", "header.authorization=bearer " + token + "\n");
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void claimHeadersSentByTheClientAreRemovedWhenTheTokenLacksTheClaim(Container container) throws Exception {
        HttpResponse<String> response = harnesses.get(container).send(harnesses.get(container).request("/echo")
                .header("authorization", "Bearer " + Jwts.token(SECRET, claims(""))).header("x-tenant", "other"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).doesNotContain("header.x-tenant=");
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aRequestWithoutATokenGets401WithTheRealm(Container container) throws Exception {
        PolicyHarness harness = harnesses.get(container);
        int calls = harness.app().calls();
        HttpResponse<String> missing = harness.get("/echo");
        HttpResponse<String> basic = harness.send(harness.request("/echo").header("authorization", "Basic YTpi"));

        for (HttpResponse<String> response : List.of(missing, basic)) {
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.body()).isEqualTo("{\"error\":\"unauthorized\",\"reason\":\"missing bearer token\"}");
            assertThat(response.headers().firstValue("www-authenticate")).hasValue("Bearer realm=\"wasmgate\"");
        }
        assertThat(harness.app().calls()).isEqualTo(calls);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void expiryAndNotBeforeAllowTheClockSkew(Container container) throws Exception {
        PolicyHarness harness = harnesses.get(container);
        String base = "\"iss\":\"https://auth.example.com\",\"aud\":\"orders\"";

        assertThat(withToken(harness, Jwts.token(SECRET, "{" + base + ",\"exp\":" + Jwts.now(-30) + "}")).statusCode()).isEqualTo(200);
        assertRejected(withToken(harness, Jwts.token(SECRET, "{" + base + ",\"exp\":" + Jwts.now(-90) + "}")), "token expired");
        assertThat(withToken(harness, Jwts.token(SECRET, "{" + base + ",\"exp\":" + Jwts.now(300) + ",\"nbf\":" + Jwts.now(30) + "}"))
                .statusCode()).isEqualTo(200);
        assertRejected(withToken(harness, Jwts.token(SECRET, "{" + base + ",\"exp\":" + Jwts.now(300) + ",\"nbf\":" + Jwts.now(90) + "}")),
                "token not yet valid");
        assertRejected(withToken(harness, Jwts.token(SECRET, "{" + base + "}")), "token has no exp");
        assertRejected(withToken(harness, Jwts.token(SECRET, "{" + base + ",\"exp\":\"soon\"}")), "malformed token");
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void issuerAndAudienceMustMatch(Container container) throws Exception {
        PolicyHarness harness = harnesses.get(container);
        String exp = "\"exp\":" + Jwts.now(300);

        assertRejected(withToken(harness, Jwts.token(SECRET, "{\"iss\":\"https://evil.example.com\",\"aud\":\"orders\"," + exp + "}")),
                "wrong issuer");
        assertRejected(withToken(harness, Jwts.token(SECRET, "{\"aud\":\"orders\"," + exp + "}")), "wrong issuer");
        assertRejected(withToken(harness, Jwts.token(SECRET, "{\"iss\":\"https://auth.example.com\",\"aud\":\"billing\"," + exp + "}")),
                "wrong audience");
        assertThat(withToken(harness, Jwts.token(SECRET, "{\"iss\":\"https://auth2.example.com\",\"aud\":[\"billing\",\"orders\"],"
                + exp + "}")).statusCode()).isEqualTo(200);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void forgedAndMalformedTokensAreRejected(Container container) throws Exception {
        PolicyHarness harness = harnesses.get(container);
        byte[] secret = SECRET.getBytes(StandardCharsets.UTF_8);
        String good = Jwts.token(SECRET, claims(""));
        String[] parts = good.split("\\.");
        String tampered = parts[0] + "." + Jwts.part(claims("\"admin\":true")) + "." + parts[2];
        String noneAlg = Jwts.part("{\"alg\":\"none\"}") + "." + parts[1] + ".";
        String noneSigned = Jwts.token(secret, "{\"alg\":\"none\"}", claims(""));
        String hs512 = Jwts.token(secret, "{\"alg\":\"HS512\"}", claims(""));
        char last = parts[2].charAt(parts[2].length() - 1);
        String otherSignature = parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 1)
                + (last == 'A' ? 'E' : 'A');

        assertRejected(withToken(harness, Jwts.token("another-secret-of-at-least-32-bytes!!", claims(""))), "bad signature");
        assertRejected(withToken(harness, tampered), "bad signature");
        assertRejected(withToken(harness, otherSignature), "bad signature");
        assertRejected(withToken(harness, noneAlg), "malformed token");
        assertRejected(withToken(harness, noneSigned), "unsupported algorithm");
        assertRejected(withToken(harness, hs512), "unsupported algorithm");
        assertRejected(withToken(harness, parts[0] + "." + parts[1]), "malformed token");
        assertRejected(withToken(harness, parts[0] + ".!!!." + parts[2]), "malformed token");
        assertRejected(withToken(harness, Jwts.token(secret, Jwts.HS256, "[1,2]")), "malformed token");
        assertRejected(withToken(harness, Jwts.token(secret, Jwts.HS256, "{\"exp\":1")), "malformed token");
        assertThat(harness.counter("jwt.rejected", "jwt")).isGreaterThanOrEqualTo(10);
    }

    /**
     * The policy's SHA-256 and HMAC against the JDK's: payloads of every length across the padding
     * boundaries of one, two and three blocks, under a secret longer than a block.
     */
    @Test
    void signaturesOfEveryLengthVerifyUnderALongSecret() throws Exception {
        for (int length = 0; length <= 200; length++) {
            String payload = "{\"p\":\"" + "x".repeat(length) + "\"}";
            String token = Jwts.token(LONG_SECRET, Jwts.HS256, payload);
            HttpResponse<String> response = longSecret.send(longSecret.request("/echo").header("x-token", token));

            assertThat(response.statusCode()).as("payload of %d bytes", payload.length()).isEqualTo(200);
            assertThat(response.body()).doesNotContain("header.x-token=");
        }
        String wrongKey = Jwts.token(SECRET.getBytes(StandardCharsets.UTF_8), Jwts.HS256, "{}");
        assertThat(longSecret.send(longSecret.request("/echo").header("x-token", wrongKey)).statusCode()).isEqualTo(401);
    }

    private static HttpResponse<String> withAuthorizations(PolicyHarness harness, String first, String second) throws Exception {
        return harness.send(harness.request("/echo").header("authorization", first).header("authorization", second));
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aSecondAuthorizationHeaderIsRefusedAsAnAttack(Container container) throws Exception {
        PolicyHarness harness = harnesses.get(container);
        int calls = harness.app().calls();
        String good = Jwts.token(SECRET, claims(""));

        assertRejected(withAuthorizations(harness, "Bearer " + good, "Basic YTpi"), "more than one authorization header");
        assertRejected(withAuthorizations(harness, "Bearer " + good, "Bearer " + good), "more than one authorization header");
        assertThat(harness.app().calls()).as("requests the application served").isEqualTo(calls);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aValueWithMoreThanOneCredentialIsRefused(Container container) throws Exception {
        PolicyHarness harness = harnesses.get(container);
        int calls = harness.app().calls();
        String good = Jwts.token(SECRET, claims(""));

        assertRejected(withToken(harness, good + ", Basic YTpi"), "malformed token");
        assertRejected(withToken(harness, good + " Bearer " + good), "malformed token");
        assertThat(harness.app().calls()).isEqualTo(calls);
    }

    @Test
    void withCheckAllTwoValidTokensPassWithTheClaimsOfTheFirst() throws Exception {
        String first = Jwts.token(SECRET, claims("").replace("user-42", "user-1"));
        String second = Jwts.token(SECRET, claims("").replace("user-42", "user-2"));
        HttpResponse<String> response = withAuthorizations(checkAll, "Bearer " + first, "Bearer " + second);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("header.x-jwt-sub=user-1\n");
    }

    @Test
    void withCheckAllOneRefusedValueRefusesTheRequest() throws Exception {
        int calls = checkAll.app().calls();
        String good = Jwts.token(SECRET, claims(""));
        String expired = Jwts.token(SECRET, "{\"iss\":\"https://auth.example.com\",\"aud\":\"orders\",\"exp\":" + Jwts.now(-600) + "}");
        HttpResponse<String> goodThenBasic = withAuthorizations(checkAll, "Bearer " + good, "Basic YTpi");
        HttpResponse<String> basicThenGood = withAuthorizations(checkAll, "Basic YTpi", "Bearer " + good);

        for (HttpResponse<String> response : List.of(goodThenBasic, basicThenGood)) {
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.body()).isEqualTo("{\"error\":\"unauthorized\",\"reason\":\"missing bearer token\"}");
        }
        assertRejected(withAuthorizations(checkAll, "Bearer " + good, "Bearer " + expired), "token expired");
        assertThat(checkAll.app().calls()).as("requests the application served").isEqualTo(calls);
    }
}
