package io.wasmgate.boot;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * HTTP/1.1 over a plain socket, for what {@code java.net.http} hides or forbids: the exact response headers
 * ({@code Connection}), and a chunked upload the server may answer before it has read it all.
 */
final class RawHttp {
    private static final int CHUNK = 8192;
    private static final int TIMEOUT_MILLIS = 30_000;

    private RawHttp() {
    }

    /** A response as it came over the wire; header names lower-cased. */
    record Response(int status, List<String[]> headers, byte[] body) {
        List<String> values(String name) {
            return headers.stream().filter(h -> h[0].equals(name)).map(h -> h[1]).toList();
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** Sends the request with a {@code Content-Length}, then reads the response. */
    static Response exchange(int port, String method, String target, List<String> headers, byte[] body)
            throws IOException {
        List<String> all = new ArrayList<>(headers);
        all.add("Content-Length: " + body.length);
        return exchange(port, head(method, target, all), body, false);
    }

    /**
     * Sends the body in chunks from another thread while this one reads the response, so an early answer is
     * read whether or not the server reads the rest; a write the closed connection refuses is no failure.
     */
    static Response exchangeChunked(int port, String method, String target, List<String> headers, byte[] body)
            throws IOException {
        List<String> all = new ArrayList<>(headers);
        all.add("Transfer-Encoding: chunked");
        return exchange(port, head(method, target, all), body, true);
    }

    private static String head(String method, String target, List<String> headers) {
        StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n");
        headers.forEach(h -> head.append(h).append("\r\n"));
        return head.append("\r\n").toString();
    }

    private static Response exchange(int port, String head, byte[] body, boolean chunked) throws IOException {
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            writer.submit(() -> {
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                if (chunked) {
                    writeChunked(out, body);
                } else {
                    out.write(body);
                }
                out.flush();
                return null;
            });
            return read(new BufferedInputStream(socket.getInputStream()));
        } finally {
            writer.shutdownNow();
        }
    }

    private static void writeChunked(OutputStream out, byte[] body) throws IOException {
        for (int offset = 0; offset < body.length; offset += CHUNK) {
            int length = Math.min(CHUNK, body.length - offset);
            out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, offset, length);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    private static Response read(InputStream in) throws IOException {
        String statusLine = line(in);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP/1.x status line: " + statusLine);
        }
        int status = Integer.parseInt(parts[1]);
        List<String[]> headers = new ArrayList<>();
        for (String line = line(in); !line.isEmpty(); line = line(in)) {
            int colon = line.indexOf(':');
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            headers.add(new String[] {name, line.substring(colon + 1).trim()});
        }
        Response head = new Response(status, headers, new byte[0]);
        return new Response(status, headers, body(in, head));
    }

    private static byte[] body(InputStream in, Response head) throws IOException {
        if (head.status() == 101 || head.status() == 204 || head.status() == 304) {
            return new byte[0];
        }
        if (head.values("transfer-encoding").stream().anyMatch(v -> v.equalsIgnoreCase("chunked"))) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (int size = chunkSize(line(in)); size > 0; size = chunkSize(line(in))) {
                body.writeBytes(in.readNBytes(size));
                line(in);
            }
            String trailer;
            do {
                trailer = line(in);
            } while (!trailer.isEmpty());
            return body.toByteArray();
        }
        List<String> length = head.values("content-length");
        return length.isEmpty() ? in.readAllBytes() : in.readNBytes(Integer.parseInt(length.get(0)));
    }

    private static int chunkSize(String line) {
        int extension = line.indexOf(';');
        return Integer.parseInt((extension < 0 ? line : line.substring(0, extension)).trim(), 16);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed mid-line after: " + line.toString(StandardCharsets.ISO_8859_1));
            }
            line.write(b);
        }
        byte[] bytes = line.toByteArray();
        int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(Arrays.copyOf(bytes, end), StandardCharsets.ISO_8859_1);
    }
}
