package io.wasmgate.abi.testing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HS256 JSON Web Tokens made with the JDK's HMAC, for the jwt policy's tests in every module. */
public final class Jwts {
    /** The usual HS256 header. */
    public static final String HS256 = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";

    private Jwts() {}

    /** {@code json} as an unpadded base64url token part. */
    public static String part(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** The unpadded base64url HMAC-SHA256 of {@code signingInput} under {@code secret}. */
    public static String sign(byte[] secret, String signingInput) {
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
    public static String token(byte[] secret, String header, String payload) {
        String input = part(header) + "." + part(payload);
        return input + "." + sign(secret, input);
    }

    /** {@link #HS256} and {@code payload}, signed with {@code secret} (its UTF-8 bytes). */
    public static String token(String secret, String payload) {
        return token(secret.getBytes(StandardCharsets.UTF_8), HS256, payload);
    }

    /** Seconds since the epoch, plus {@code offset}. */
    public static long now(long offset) {
        return System.currentTimeMillis() / 1000 + offset;
    }
}
