package io.wasmgate.bench.load;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * The upstream of {@code bench/load.sh}: a bare Jetty 12 server on loopback that answers every request with
 * the same 16-byte text body, so that what the load test measures is the proxy hop, not the backend.
 * Usage: {@code java -cp bench/target/benchmarks.jar io.wasmgate.bench.load.LoadUpstream PORT}.
 */
public final class LoadUpstream {
    private static final byte[] BODY = "hello, wasmgate\n".getBytes(StandardCharsets.US_ASCII);

    private LoadUpstream() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: LoadUpstream PORT");
            System.exit(2);
        }
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(Integer.parseInt(args[0]));
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
                response.write(true, ByteBuffer.wrap(BODY), callback);
                return true;
            }
        });
        server.start();
        System.out.println("load upstream on http://127.0.0.1:" + connector.getLocalPort());
        server.join();
    }
}
