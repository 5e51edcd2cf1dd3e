package io.wasmgate.gateway.cli;

import io.wasmgate.abi.WasmgateException;
import io.wasmgate.filter.config.ConfigException;
import io.wasmgate.gateway.Gateway;
import io.wasmgate.gateway.config.GatewayConfig;
import io.wasmgate.gateway.config.GatewayConfigLoader;
import io.wasmgate.gateway.runtime.ConfigCheck;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.thread.ShutdownThread;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar jetty-gateway.jar [--config FILE] [--check]}: runs the gateway of {@code FILE}, or the
 * built-in {@link Demo} without one; {@code --check} validates the file and starts every module once, then
 * exits 0, or 1 listing each problem. SIGTERM (and Ctrl-C) stop the gateway gracefully: requests in flight
 * get up to {@code listen.drain_timeout} to finish.
 */
@Command(name = "jetty-gateway", mixinStandardHelpOptions = true, version = "Wasmgate gateway 0.1.0",
        description = "A reverse proxy whose routes run proxy-wasm policies. Without --config: a built-in demo.")
public final class GatewayCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "the gateway's YAML file (docs/configuration.md)")
    Path config;

    @Option(names = "--check", description = "validate the file and every module, then exit (0: valid)")
    boolean check;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080", description = "the demo's port (default ${DEFAULT-VALUE})")
    int demoPort;

    @Option(names = "--admin-port", paramLabel = "PORT", defaultValue = "9901",
            description = "the demo's admin port (default ${DEFAULT-VALUE})")
    int demoAdminPort;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new GatewayCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (check) {
            if (config == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--check needs --config FILE");
            }
            return check(out, err);
        }
        try {
            if (config == null) {
                Demo demo = new Demo(demoPort, demoAdminPort);
                run(demo);
                out.println(demo.instructions());
                out.flush();
                demo.gateway().join();
                return 0;
            }
            Gateway gateway = new Gateway(GatewayConfigLoader.load(config));
            run(gateway);
            out.printf("Wasmgate gateway: proxy on %s, admin on %s (%s)%n", gateway.proxyUri(), gateway.adminUri(), config);
            out.flush();
            gateway.join();
            return 0;
        } catch (ConfigException | WasmgateException e) {
            err.println("cannot start: " + e.getMessage());
            return 1;
        }
    }

    private static void run(LifeCycle main) throws Exception {
        ShutdownThread.register(main);
        try {
            main.start();
        } catch (Exception e) {
            ShutdownThread.deregister(main);
            throw e;
        }
    }

    private int check(PrintWriter out, PrintWriter err) {
        GatewayConfig loaded;
        try {
            loaded = GatewayConfigLoader.load(config);
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return 1;
        }
        List<String> problems = ConfigCheck.startEveryPlugin(loaded);
        if (!problems.isEmpty()) {
            err.println("invalid Wasmgate configuration " + config + " (" + problems.size() + (problems.size() == 1 ? " problem" : " problems") + "):");
            problems.forEach(problem -> err.println("  - " + problem));
            return 1;
        }
        out.println("OK: " + config + " is valid (" + loaded.routes().size() + " routes; every module starts)");
        return 0;
    }
}
