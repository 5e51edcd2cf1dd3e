package io.wasmgate.gateway.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * The demo's upstream: answers every request with a JSON description of what it received (method, path,
 * query, headers, body), so a user sees what the gateway forwarded.
 */
final class EchoUpstream implements AutoCloseable {
    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server);

    /** Starts on a free loopback port. */
    static EchoUpstream start() throws Exception {
        EchoUpstream echo = new EchoUpstream();
        echo.connector.setHost("127.0.0.1");
        echo.server.addConnector(echo.connector);
        echo.server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                String body = Content.Source.asString(request, StandardCharsets.UTF_8);
                ObjectNode echoed = JSON.createObjectNode()
                        .put("method", request.getMethod())
                        .put("path", request.getHttpURI().getPath())
                        .put("query", request.getHttpURI().getQuery());
                ObjectNode headers = echoed.putObject("headers");
                for (HttpField field : request.getHeaders()) {
                    headers.put(field.getLowerCaseName(), field.getValue());
                }
                echoed.put("body", body);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                response.write(true, StandardCharsets.UTF_8.encode(JSON.writeValueAsString(echoed) + "\n"), callback);
                return true;
            }
        });
        echo.server.start();
        return echo;
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }

    @Override
    public void close() {
        LifeCycle.stop(server);
    }
}
