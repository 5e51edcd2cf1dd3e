package io.wasmgate.gateway.testing;

import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * A real upstream for the gateway's tests: a Jetty server on a loopback port whose answer depends on the
 * path. It records every request it received (headers, connection) for the test to inspect.
 *
 * <ul>
 *   <li>{@code /slow?ms=N}: answers after N ms</li>
 *   <li>{@code /stream}: sends "first", flushes, waits for {@link #releaseStream()}, then sends "last"</li>
 *   <li>{@code /upload}: reads the body and answers with its length and SHA-256</li>
 *   <li>{@code /big?bytes=N}: answers N bytes</li>
 *   <li>{@code /repeated}: answers with a header sent twice, {@code x-repeated: one} and {@code X-Repeated: Two}</li>
 *   <li>{@code /hop}: answers with hop-by-hop headers that a proxy must remove</li>
 *   <li>{@code /module}: answers the bytes set with {@link #serveModule}</li>
 *   <li>anything else: {@code <name> <method> <path>}</li>
 * </ul>
 * Every answer carries {@code x-upstream: <name>}.
 */
public final class Upstream implements AutoCloseable {
    /** One request as the upstream received it. */
    public record Received(String path, HttpFields headers, String connection) {}

    private final String name;
    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server);
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, byte[]> modules = new ConcurrentHashMap<>();
    private volatile CountDownLatch stream = new CountDownLatch(1);

    private Upstream(String name) {
        this.name = name;
    }

    /** Starts an upstream named {@code name} on a free loopback port. */
    public static Upstream start(String name) throws Exception {
        Upstream upstream = new Upstream(name);
        upstream.connector.setHost("127.0.0.1");
        upstream.server.addConnector(upstream.connector);
        upstream.server.setHandler(upstream.new Answer());
        upstream.server.start();
        return upstream;
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }

    /** Every request received so far, in order. */
    public List<Received> received() {
        return received;
    }

    /** The last request received. */
    public Received last() {
        return received.get(received.size() - 1);
    }

    /** Lets a {@code /stream} answer finish. */
    public void releaseStream() {
        stream.countDown();
    }

    /** {@code /module/<file>} answers {@code bytes}. */
    public void serveModule(String file, byte[] bytes) {
        modules.put("/module/" + file, bytes);
    }

    @Override
    public void close() {
        stream.countDown();
        LifeCycle.stop(server);
    }

    private final class Answer extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String path = request.getHttpURI().getPath();
            received.add(new Received(path, request.getHeaders().asImmutable(), request.getConnectionMetaData().getId()));
            response.getHeaders().put("x-upstream", name);
            Fields query = Request.extractQueryParameters(request);
            if (path.equals("/slow")) {
                // Part of the scenario: an upstream that takes ?ms= to answer, on purpose.
                Thread.sleep(Long.parseLong(query.getValue("ms")));
                text(response, callback, "slow done");
            } else if (path.equals("/stream")) {
                streamed(response, callback);
            } else if (path.equals("/upload")) {
                upload(request, response, callback);
            } else if (path.equals("/big")) {
                byte[] body = new byte[Integer.parseInt(query.getValue("bytes"))];
                Arrays.fill(body, (byte) 'b');
                response.write(true, ByteBuffer.wrap(body), callback);
            } else if (path.equals("/repeated")) {
                response.getHeaders().add("x-repeated", "one");
                response.getHeaders().add("X-Repeated", "Two");
                text(response, callback, "repeated");
            } else if (path.equals("/hop")) {
                response.getHeaders().put("Connection", "x-hop-listed");
                response.getHeaders().put("x-hop-listed", "secret");
                response.getHeaders().put("Keep-Alive", "timeout=5");
                response.getHeaders().put("Proxy-Authenticate", "Basic");
                text(response, callback, "hop");
            } else if (modules.containsKey(path)) {
                response.write(true, ByteBuffer.wrap(modules.get(path)), callback);
            } else {
                text(response, callback, name + " " + request.getMethod() + " " + path);
            }
            return true;
        }

        private void streamed(Response response, Callback callback) throws Exception {
            response.getHeaders().put("Content-Type", "text/plain");
            Callback.Completable first = new Callback.Completable();
            Content.Sink.write(response, false, "first\n", first);
            first.get(5, TimeUnit.SECONDS);
            if (!stream.await(10, TimeUnit.SECONDS)) {
                callback.failed(new IllegalStateException("the test never released the stream"));
                return;
            }
            stream = new CountDownLatch(1);
            Content.Sink.write(response, true, "last\n", callback);
        }

        private void upload(Request request, Response response, Callback callback) throws Exception {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long length = 0;
            try (InputStream in = Content.Source.asInputStream(request)) {
                byte[] buffer = new byte[65536];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    sha.update(buffer, 0, n);
                    length += n;
                }
            }
            text(response, callback, length + " " + HexFormat.of().formatHex(sha.digest()));
        }

        private void text(Response response, Callback callback, String body) {
            response.getHeaders().put("Content-Type", "text/plain");
            response.write(true, StandardCharsets.UTF_8.encode(body), callback);
        }
    }

    /** A header of a received request, or {@code null}. */
    public static String header(Received request, String name) {
        HttpField field = request.headers().getField(name);
        return field == null ? null : field.getValue();
    }
}
