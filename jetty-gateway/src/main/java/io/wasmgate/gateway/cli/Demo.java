package io.wasmgate.gateway.cli;

import io.wasmgate.gateway.Gateway;
import io.wasmgate.gateway.config.GatewayConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jetty.util.component.AbstractLifeCycle;

/**
 * The built-in demo: the add-header policy (root id {@code add_header}, adding {@value #HEADER}) on every
 * route, in front of a built-in {@link EchoUpstream}. Its configuration is an ordinary file in a temporary
 * folder, so editing it reloads the demo like any gateway.
 */
public final class Demo extends AbstractLifeCycle {
    /** The header the demo's policy adds to every response. */
    public static final String HEADER = "x-wasmgate: hello";

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
            clusters:
              - name: echo
                url: %s
            routes:
              - name: demo
                match: { prefix: / }
                cluster: echo
                plugins: [ add-header ]
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
            Files.writeString(configFile, CONFIG.formatted(port, adminPort, HEADER, echo.uri()));
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
                Wasmgate demo: the add-header policy in front of a built-in echo upstream.
                  curl -i %1$s/hello
                    -> the echo of your request, with the response header '%2$s' added by the policy
                  curl %3$s/stats/prometheus      metrics      curl %3$s/plugins      plugins
                  configuration: %4$s (edit it: the gateway reloads)
                Stop with Ctrl-C.""".formatted(gateway.proxyUri(), HEADER, gateway.adminUri(), configFile);
    }
}
