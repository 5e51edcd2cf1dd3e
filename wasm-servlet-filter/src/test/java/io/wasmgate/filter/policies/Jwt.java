package io.wasmgate.filter.policies;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HS256 JSON Web Tokens made with the JDK's HMAC, for the jwt policy's tests. */
final class Jwt {
    static final String HS256 = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";

    private Jwt() {}

    static String part(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    static String sign(byte[] secret, String signingInput) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A token with {@code header} and {@code payload} (JSON text), signed with {@code secret}. */
    static String token(byte[] secret, String header, String payload) {
        String input = part(header) + "." + part(payload);
        return input + "." + sign(secret, input);
    }

    static String token(String secret, String payload) {
        return token(secret.getBytes(StandardCharsets.UTF_8), HS256, payload);
    }

    /** Seconds since the epoch, plus {@code offset}. */
    static long now(long offset) {
        return System.currentTimeMillis() / 1000 + offset;
    }
}
