package io.wasmgate.gateway.cli;

import io.wasmgate.gateway.Gateway;
import io.wasmgate.gateway.config.GatewayConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jetty.util.component.AbstractLifeCycle;

/**
 * The built-in demo, in front of a built-in {@link EchoUpstream}: the add-header policy (root id
 * {@code add_header}, adding {@value #HEADER}) on every route, the rate-limit policy on {@value #LIMITED}
 * ({@value #LIMIT} requests a minute per client, then 429), and two log plugins, metrics (requests by route
 * and status class on the admin port) and a JSON access log. Its configuration is an ordinary file in a
 * temporary folder, so editing it reloads the demo like any gateway.
 */
public final class Demo extends AbstractLifeCycle {
    /** The header the demo's policy adds to every response. */
    public static final String HEADER = "x-wasmgate: hello";
    /** The path prefix the demo rate-limits. */
    public static final String LIMITED = "/limited";
    /** Requests a minute each client may send under {@link #LIMITED}. */
    public static final int LIMIT = 3;

    private static final String CONFIG = """
            # Wasmgate demo: edit and save this file, and the gateway reloads it.
            listen: { host: 127.0.0.1, port: %d }
            admin: { host: 127.0.0.1, port: %d }
            plugins:
              - name: add-header
                module: { classpath: wasmgate/policies/add-header.wasm }
                root_id: add_header
                configuration: "%s"
                instances: 2
              - name: rate-limit
                module: { classpath: wasmgate/policies/rate-limit.wasm }
                root_id: rate_limit
                configuration: { max_tokens: %d, fill_interval: 1m, key: source.address }
            log_plugins:
              - name: metrics
                module: { classpath: wasmgate/policies/metrics.wasm }
                root_id: metrics
                configuration:
                  routes: [ { name: limited, prefix: /limited } ]
                  default_route: other
              - name: access-log
                module: { classpath: wasmgate/policies/access-log.wasm }
                configuration: { format: json }
            clusters:
              - name: echo
                url: %s
            routes:
              - name: limited
                match: { prefix: /limited }
                cluster: echo
                plugins: [ add-header, rate-limit ]
                log_plugins: [ metrics, access-log ]
              - name: demo
                match: { prefix: / }
                cluster: echo
                plugins: [ add-header ]
                log_plugins: [ metrics, access-log ]
            """;

    private final int port;
    private final int adminPort;
    private EchoUpstream echo;
    private Path configFile;
    private Gateway gateway;

    /** A demo listening on {@code port} with its admin on {@code adminPort} (0: any free port), on loopback. */
    public Demo(int port, int adminPort) {
        this.port = port;
        this.adminPort = adminPort;
    }

    @Override
    protected void doStart() throws Exception {
        echo = EchoUpstream.start();
        try {
            configFile = Files.createTempDirectory("wasmgate-demo").resolve("gateway.yaml");
            Files.writeString(configFile, CONFIG.formatted(port, adminPort, HEADER, LIMIT, echo.uri()));
            gateway = new Gateway(GatewayConfigLoader.load(configFile));
            gateway.start();
        } catch (Exception e) {
            echo.close();
            throw e;
        }
    }

    @Override
    protected void doStop() throws Exception {
        try {
            gateway.stop();
        } finally {
            echo.close();
        }
    }

    public Gateway gateway() {
        return gateway;
    }

    /** What to try, for the console. */
    public String instructions() {
        return """
                Wasmgate demo: sample policies in front of a built-in echo upstream.
                  curl -i %1$s/hello
                    -> the echo of your request, with the response header '%2$s' added by the add-header policy
                  for i in 1 2 3 4; do curl -s -o /dev/null -w '%%{http_code} ' %1$s%5$s; done
                    -> 200 200 200 429: the rate-limit policy allows %6$d requests a minute per client
                  curl -s %3$s/stats/prometheus | grep route_requests      the metrics policy's counters
                  curl -s %3$s/plugins      the plugins, their modules and VMs
                  every request is logged as one JSON line by the access-log policy
                  configuration: %4$s (edit it: the gateway reloads)
                Stop with Ctrl-C.""".formatted(gateway.proxyUri(), HEADER, gateway.adminUri(), configFile, LIMITED, LIMIT);
    }
}
