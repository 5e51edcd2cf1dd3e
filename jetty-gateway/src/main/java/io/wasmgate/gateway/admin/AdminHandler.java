package io.wasmgate.gateway.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.wasmgate.gateway.config.AdminConfig;
import io.wasmgate.gateway.runtime.GatewayRuntime;
import io.wasmgate.gateway.runtime.Generation;
import io.wasmgate.gateway.runtime.ReloadResult;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The admin endpoints, on the admin connector only, behind an {@link AdminGuard} (Host, token, Origin and
 * Content-Type checks):
 * <table>
 *   <caption>Endpoints</caption>
 *   <tr><td>{@code GET /stats/prometheus}</td><td>every meter, Prometheus text format</td></tr>
 *   <tr><td>{@code GET /ready}</td><td>200 once a configuration serves, else 503 (no token needed)</td></tr>
 *   <tr><td>{@code GET /plugins}</td><td>plugins, versions, state, last errors ({@link PluginsReport})</td></tr>
 *   <tr><td>{@code GET /config_dump}</td><td>the serving configuration as JSON ({@link ConfigDump})</td></tr>
 *   <tr><td>{@code POST /reload}</td><td>reloads the file: 200, or 500 with the reason (the old configuration keeps serving)</td></tr>
 * </table>
 * The {@code admin} section in force is the one the gateway started with; a reload does not change it.
 */
public final class AdminHandler extends Handler.Abstract {
    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private final Connector connector;
    private final GatewayRuntime runtime;
    private final GatewayMeters meters;
    private final AdminGuard guard;
    private final PluginsReport plugins = new PluginsReport(JSON);
    private final ConfigDump configDump;

    /** @param admin the admin settings in force: the started configuration's */
    public AdminHandler(Connector connector, AdminConfig admin, GatewayRuntime runtime, GatewayMeters meters) {
        this.connector = connector;
        this.runtime = runtime;
        this.meters = meters;
        this.guard = new AdminGuard(admin);
        this.configDump = new ConfigDump(JSON, admin);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws JsonProcessingException {
        if (request.getConnectionMetaData().getConnector() != connector) {
            return false;
        }
        String path = request.getHttpURI().getPath();
        Optional<AdminGuard.Refusal> refusal = guard.check(request, path);
        if (refusal.isPresent()) {
            if (refusal.get().status() == HttpStatus.UNAUTHORIZED_401) {
                response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"wasmgate-admin\"");
            }
            send(response, callback, refusal.get().status(), "text/plain; charset=utf-8", refusal.get().reason() + "\n");
            return true;
        }
        boolean get = HttpMethod.GET.is(request.getMethod());
        boolean post = HttpMethod.POST.is(request.getMethod());
        if (get && path.equals("/stats/prometheus")) {
            send(response, callback, HttpStatus.OK_200, "text/plain; version=0.0.4; charset=utf-8", meters.scrape());
        } else if (get && path.equals("/ready")) {
            boolean ready = runtime.isStarted() && runtime.generations().current().isPresent();
            send(response, callback, ready ? HttpStatus.OK_200 : HttpStatus.SERVICE_UNAVAILABLE_503, "text/plain; charset=utf-8",
                    ready ? "ready\n" : "not ready\n");
        } else if (get && path.equals("/plugins")) {
            json(response, callback, HttpStatus.OK_200, plugins.build(runtime.generations().current(), runtime.lastReload()));
        } else if (get && path.equals("/config_dump")) {
            Generation current = runtime.generations().current().orElse(null);
            json(response, callback, current == null ? HttpStatus.SERVICE_UNAVAILABLE_503 : HttpStatus.OK_200,
                    current == null ? JSON.createObjectNode() : configDump.build(current.config()));
        } else if (post && path.equals("/reload")) {
            ReloadResult result = runtime.reload("admin");
            json(response, callback, result.ok() ? HttpStatus.OK_200 : HttpStatus.INTERNAL_SERVER_ERROR_500,
                    JSON.createObjectNode().put("ok", result.ok()).put("error", result.error()));
        } else {
            send(response, callback, HttpStatus.NOT_FOUND_404, "text/plain; charset=utf-8",
                    "GET /stats/prometheus, /ready, /plugins, /config_dump; POST /reload\n");
        }
        return true;
    }

    private static void json(Response response, Callback callback, int status, Object body) throws JsonProcessingException {
        send(response, callback, status, "application/json", JSON.writeValueAsString(body) + "\n");
    }

    private static void send(Response response, Callback callback, int status, String type, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.write(true, StandardCharsets.UTF_8.encode(body), callback);
    }
}
