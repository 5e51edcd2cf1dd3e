package io.wasmgate.gateway.policies;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HS256 JSON Web Tokens made with the JDK. */
final class Jwt {
    private Jwt() {}

    private static String part(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** {"alg":"HS256"} and {@code payload}, signed with {@code secret}. */
    static String token(String secret, String payload) {
        String input = part("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + part(payload);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return input + "." + Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Seconds since the epoch, plus {@code offset}. */
    static long now(long offset) {
        return System.currentTimeMillis() / 1000 + offset;
    }
}
