package io.wasmgate.abi.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One HTTP/1.1 response as a raw client read it, parsed by its own framing ({@code Content-Length},
 * chunked, or until the connection closed), so a test sees whether the framing matched the bytes.
 */
public record RawResponse(int status, List<Map.Entry<String, String>> headers, String body, boolean chunked) {
    /** The first value of {@code name} (any case), or {@code null}. */
    public String header(String name) {
        return headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst()
                .orElse(null);
    }

    /**
     * Every response in {@code stream} (ISO-8859-1 text, as {@link RecordingUpstream#exchange} returns it),
     * skipping interim {@code 1xx} responses.
     *
     * @throws AssertionError if the bytes are not a sequence of well-framed responses
     */
    public static List<RawResponse> parseAll(String stream) {
        List<RawResponse> responses = new ArrayList<>();
        int at = 0;
        while (at < stream.length()) {
            int headEnd = stream.indexOf("\r\n\r\n", at);
            if (headEnd < 0) {
                throw new AssertionError("an incomplete response head at " + at + ": " + stream.substring(at));
            }
            String[] lines = stream.substring(at, headEnd).split("\r\n");
            if (!lines[0].matches("HTTP/1\\.[01] \\d{3}.*")) {
                throw new AssertionError("not a status line: " + lines[0]);
            }
            int status = Integer.parseInt(lines[0].substring(9, 12));
            List<Map.Entry<String, String>> headers = new ArrayList<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.add(Map.entry(lines[i].substring(0, colon), lines[i].substring(colon + 1).trim()));
            }
            RawResponse head = new RawResponse(status, headers, "", false);
            at = headEnd + 4;
            if (status < 200) {
                continue;
            }
            String transfer = head.header("transfer-encoding");
            String length = head.header("content-length");
            if (status == 204 || status == 304) {
                responses.add(head);
            } else if (transfer != null && transfer.equalsIgnoreCase("chunked")) {
                StringBuilder body = new StringBuilder();
                while (true) {
                    int lineEnd = stream.indexOf("\r\n", at);
                    if (lineEnd < 0) {
                        throw new AssertionError("a chunked body that never ends: " + stream.substring(at));
                    }
                    int size = Integer.parseInt(stream.substring(at, lineEnd).split(";")[0].trim(), 16);
                    at = lineEnd + 2;
                    if (size == 0) {
                        at = stream.indexOf("\r\n\r\n", at - 2) + 4;
                        break;
                    }
                    body.append(stream, at, at + size);
                    at += size + 2;
                }
                responses.add(new RawResponse(status, headers, body.toString(), true));
            } else if (length != null) {
                int n = Integer.parseInt(length);
                if (at + n > stream.length()) {
                    throw new AssertionError("Content-Length " + n + " but only " + (stream.length() - at) + " bytes followed");
                }
                responses.add(new RawResponse(status, headers, stream.substring(at, at + n), false));
                at += n;
            } else {
                responses.add(new RawResponse(status, headers, stream.substring(at), false));
                at = stream.length();
            }
        }
        return responses;
    }
}
