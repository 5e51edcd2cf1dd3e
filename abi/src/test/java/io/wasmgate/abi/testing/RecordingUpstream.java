package io.wasmgate.abi.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An HTTP/1.1 origin on a raw loopback socket that records exactly what it receives: the head as sent, the
 * body as framed by {@code Content-Length} or chunked encoding (decoded, with the raw bytes beside it),
 * and on which connection. Keeps connections alive; a request that cannot be parsed (a desynchronised
 * connection) is recorded as {@link Received#malformed()}, answered 400 and the connection closed.
 * Optionally answers {@code Expect: 100-continue} with {@code 100 Continue} before reading the body.
 */
public final class RecordingUpstream implements AutoCloseable {
    private static final int MAX_HEAD = 64 * 1024;

    /** What the origin received in one request. */
    public record Received(int connection, String requestLine, List<Map.Entry<String, String>> headers, byte[] body,
            byte[] raw, boolean chunked, boolean malformed) {
        public String method() {
            return requestLine.split(" ", 3)[0];
        }

        /** The request target as sent, e.g. {@code /a/b?q=1}. */
        public String target() {
            String[] parts = requestLine.split(" ", 3);
            return parts.length > 1 ? parts[1] : "";
        }

        /** The first value of {@code name} (any case), or {@code null}. */
        public String header(String name) {
            return headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                    .findFirst().orElse(null);
        }

        /** Every value of {@code name} (any case), in order. */
        public List<String> headers(String name) {
            return headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).toList();
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /**
     * The response the origin sends for a received request: status, headers and body, framed by the origin;
     * a chunked one may end with trailers.
     */
    public record Reply(int status, Map<String, String> headers, byte[] body, boolean chunked, Map<String, String> trailers) {
        /** Without trailers. */
        public Reply(int status, Map<String, String> headers, byte[] body, boolean chunked) {
            this(status, headers, body, chunked, Map.of());
        }

        /** {@code 200} with {@code body} and a {@code Content-Length}. */
        public static Reply ok(String body) {
            return new Reply(200, Map.of("Content-Type", "text/plain"), body.getBytes(StandardCharsets.UTF_8), false);
        }

        /** {@code 200} with {@code body}, chunked (in chunks of at most 1,000 bytes). */
        public static Reply chunked(byte[] body) {
            return new Reply(200, Map.of("Content-Type", "application/octet-stream"), body, true);
        }
    }

    private final ServerSocket server;
    private final boolean sendContinue;
    private final Function<Received, Reply> replies;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<String> requestLines = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "recording-upstream");
        thread.setDaemon(true);
        return thread;
    });

    private RecordingUpstream(boolean sendContinue, Function<Received, Reply> replies) throws IOException {
        this.server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        this.sendContinue = sendContinue;
        this.replies = replies;
        threads.execute(this::accept);
    }

    /** An origin that answers every request {@code 200} with the body {@code "ok <n>"} (n counts from 1). */
    public static RecordingUpstream start() throws IOException {
        return start(false, null);
    }

    /**
     * @param sendContinue answer {@code Expect: 100-continue} with an interim {@code 100} before reading the body
     * @param replies the reply to each request; {@code null} for {@code "ok <n>"}
     */
    public static RecordingUpstream start(boolean sendContinue, Function<Received, Reply> replies) throws IOException {
        return new RecordingUpstream(sendContinue, replies);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code http://127.0.0.1:port}. */
    public URI uri() {
        return URI.create("http://" + server.getInetAddress().getHostAddress() + ":" + port());
    }

    /** Every request received so far, in order. */
    public List<Received> received() {
        return List.copyOf(received);
    }

    /** The request line of every request head that arrived, as soon as it arrived (even if its body never did). */
    public List<String> requestLines() {
        return List.copyOf(requestLines);
    }

    /** How many connections were accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** Waits up to {@code timeout} for the {@code n}-th request (from 1). */
    public Received await(int n, Duration timeout) {
        try {
            Poll.until("request " + n + " at the upstream", timeout, () -> received.size() >= n);
        } catch (AssertionError e) {
            throw new AssertionError("the upstream received " + received.size() + " requests, expected " + n, e);
        }
        return received.get(n - 1);
    }

    /** The last request whose target starts with {@code prefix}, waiting up to 10 s for one. */
    public Received last(String prefix) {
        try {
            return Poll.untilPresent("a request for " + prefix, Duration.ofSeconds(10), () -> received.stream()
                    .filter(r -> r.target().startsWith(prefix)).reduce((first, second) -> second));
        } catch (AssertionError e) {
            throw new AssertionError("the upstream received no request for " + prefix + ": " + received, e);
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                sockets.add(socket);
                int id = connections.incrementAndGet();
                threads.execute(() -> serve(socket, id));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket, int connection) {
        try (socket) {
            socket.setSoTimeout(30_000);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            while (true) {
                Received request = readRequest(in, out, connection);
                if (request == null) {
                    return;
                }
                received.add(request);
                if (request.malformed()) {
                    out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    return;
                }
                write(out, replies == null ? Reply.ok("ok " + received.size()) : replies.apply(request));
            }
        } catch (IOException e) {
            // The peer closed or reset the connection: nothing more to record on it.
        }
    }

    /** One request, or {@code null} at a clean end of the connection. */
    private Received readRequest(InputStream in, OutputStream out, int connection) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        String head = readHead(in, raw);
        if (head == null) {
            return null;
        }
        String[] lines = head.split("\r\n", -1);
        requestLines.add(lines[0]);
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        boolean malformed = !lines[0].matches("[A-Z]+ \\S+ HTTP/1\\.[01]");
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                malformed = true;
                continue;
            }
            headers.add(Map.entry(lines[i].substring(0, colon), lines[i].substring(colon + 1).trim()));
        }
        Received parsed = new Received(connection, lines[0], headers, new byte[0], raw.toByteArray(), false, malformed);
        if (malformed) {
            return parsed;
        }
        if (sendContinue && "100-continue".equalsIgnoreCase(String.valueOf(parsed.header("expect")))) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
        String transfer = parsed.header("transfer-encoding");
        boolean chunked = transfer != null && transfer.toLowerCase(Locale.ROOT).contains("chunked");
        byte[] body;
        if (chunked) {
            body = readChunked(in, raw);
        } else {
            String length = parsed.header("content-length");
            body = length == null ? new byte[0] : readExactly(in, raw, Integer.parseInt(length.trim()));
        }
        return new Received(connection, lines[0], headers, body, raw.toByteArray(), chunked, false);
    }

    private static String readHead(InputStream in, ByteArrayOutputStream raw) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b;
            try {
                b = in.read();
            } catch (SocketException e) {
                b = -1;
            }
            if (b < 0) {
                if (head.size() == 0) {
                    return null;
                }
                throw new EOFException("connection closed inside a request head");
            }
            head.write(b);
            raw.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : (b == '\r' ? 1 : 0);
            if (head.size() > MAX_HEAD) {
                throw new IOException("request head over " + MAX_HEAD + " bytes");
            }
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        return text.substring(0, text.length() - 4);
    }

    private static byte[] readChunked(InputStream in, ByteArrayOutputStream raw) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in, raw);
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                while (!readLine(in, raw).isEmpty()) {
                    // trailer fields: recorded in raw
                }
                return body.toByteArray();
            }
            body.write(readExactly(in, raw, size));
            if (!readLine(in, raw).isEmpty()) {
                throw new IOException("chunk data longer than its size");
            }
        }
    }

    private static String readLine(InputStream in, ByteArrayOutputStream raw) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed inside a chunked body");
            }
            raw.write(b);
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            line.write(b);
        }
    }

    private static byte[] readExactly(InputStream in, ByteArrayOutputStream raw, int length) throws IOException {
        byte[] bytes = in.readNBytes(length);
        raw.write(bytes);
        if (bytes.length < length) {
            throw new EOFException("connection closed after " + bytes.length + " of " + length + " body bytes");
        }
        return bytes;
    }

    private static void write(OutputStream out, Reply reply) throws IOException {
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(reply.status()).append(" Reply\r\n");
        reply.headers().forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        // A 204 or 304 has no body: its head carries only the headers given (a 304 may declare its 200's length).
        boolean bodiless = reply.status() == 204 || reply.status() == 304;
        if (!bodiless) {
            head.append(reply.chunked() ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + reply.body().length + "\r\n");
        }
        out.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        if (bodiless) {
            out.flush();
            return;
        }
        if (!reply.chunked()) {
            out.write(reply.body());
        } else {
            for (int from = 0; from < reply.body().length; from += 1000) {
                int n = Math.min(1000, reply.body().length - from);
                out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(reply.body(), from, n);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            StringBuilder last = new StringBuilder("0\r\n");
            reply.trailers().forEach((name, value) -> last.append(name).append(": ").append(value).append("\r\n"));
            out.write(last.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        }
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        threads.shutdownNow();
    }

    /** A raw client: writes {@code request} to {@code port} on loopback and returns everything read until close or {@code idle}. */
    public static String exchange(int port, byte[] request, Duration idle) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
            socket.setSoTimeout((int) idle.toMillis());
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                int n;
                while ((n = socket.getInputStream().read(buffer)) >= 0) {
                    response.write(buffer, 0, n);
                }
            } catch (java.net.SocketTimeoutException e) {
                // idle: the server keeps the connection open; what came so far is the answer
            } catch (SocketException e) {
                // reset: what came before it is the answer
            }
            return response.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** {@link #exchange(int, byte[], Duration)} of an ASCII request. */
    public static String exchange(int port, String request, Duration idle) throws IOException {
        return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1), idle);
    }
}
