package io.wasmgate.boot;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** A {@code multipart/form-data} body with one file part, built by hand as {@code curl -F file=@name} sends it. */
final class Multipart {
    private static final String BOUNDARY = "------------------------wasmgate7MA4YWxkTrZu0gW";

    private Multipart() {
    }

    static String contentType() {
        return "multipart/form-data; boundary=" + BOUNDARY;
    }

    static byte[] file(String field, String filename, String contentType, byte[] content) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + BOUNDARY + "\r\n"
                + "Content-Disposition: form-data; name=\"" + field + "\"; filename=\"" + filename + "\"\r\n"
                + "Content-Type: " + contentType + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return body.toByteArray();
    }
}
