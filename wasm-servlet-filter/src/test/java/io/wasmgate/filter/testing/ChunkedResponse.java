package io.wasmgate.filter.testing;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** An HTTP/1.1 response with a chunked body, parsed from raw text: what the JDK client does not show (trailers). */
public record ChunkedResponse(String head, String body, Map<String, String> trailers) {
    public static ChunkedResponse parse(String raw) {
        int headEnd = raw.indexOf("\r\n\r\n");
        String head = raw.substring(0, headEnd);
        if (!head.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) {
            throw new AssertionError("not a chunked response:\n" + raw);
        }
        StringBuilder body = new StringBuilder();
        int at = headEnd + 4;
        while (true) {
            int lineEnd = raw.indexOf("\r\n", at);
            int size = Integer.parseInt(raw.substring(at, lineEnd).split(";")[0].trim(), 16);
            at = lineEnd + 2;
            if (size == 0) {
                break;
            }
            body.append(raw, at, at + size);
            at += size + 2;
        }
        Map<String, String> trailers = new LinkedHashMap<>();
        for (String line : raw.substring(at).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                trailers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
        return new ChunkedResponse(head, body.toString(), trailers);
    }
}
