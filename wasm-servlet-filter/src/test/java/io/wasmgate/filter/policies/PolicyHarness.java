package io.wasmgate.filter.policies;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.abi.services.HostServices;
import io.wasmgate.abi.spi.CalloutClient;
import io.wasmgate.abi.testing.CapturingLog;
import io.wasmgate.abi.wire.LogLevel;
import io.wasmgate.filter.PluginLineup;
import io.wasmgate.filter.PluginRelease;
import io.wasmgate.filter.ProxyWasmFilter;
import io.wasmgate.filter.callout.JettyCalloutClient;
import io.wasmgate.filter.config.PluginChainConfig;
import io.wasmgate.filter.config.YamlConfigLoader;
import io.wasmgate.filter.testing.JettyServer;
import io.wasmgate.filter.testing.TestServer;
import io.wasmgate.filter.testing.TomcatServer;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Sample policies through the servlet filter on a real container: the filter's YAML (the same schema
 * users write: modules from the classpath, configuration as maps, clusters) is loaded with
 * {@link YamlConfigLoader}, and the plugins are started the way the filter starts them, on host services
 * whose meter registry the test can read and with a {@link CapturingLog} per plugin. The application
 * behind the filter is {@link PolicyApp} under {@code /app}.
 */
final class PolicyHarness implements AutoCloseable {
    /** The containers every policy test runs on. */
    enum Container {
        JETTY(JettyServer::new), TOMCAT(TomcatServer::new);

        private final Supplier<TestServer> factory;

        Container(Supplier<TestServer> factory) {
            this.factory = factory;
        }
    }

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Map<String, CapturingLog> logs = new LinkedHashMap<>();
    private final List<PluginRelease> started = new ArrayList<>();
    private final PolicyApp app = new PolicyApp();
    private JettyCalloutClient callouts;
    private HostServices services;
    private TestServer server;

    private PolicyHarness() {}

    /** Starts {@code yaml} (the filter's file) in front of {@link PolicyApp} on {@code container}. */
    static PolicyHarness start(Container container, String yaml) throws Exception {
        PolicyHarness harness = new PolicyHarness();
        try {
            harness.startPlugins(yaml);
            harness.server = container.factory.get();
            harness.server.start(new ProxyWasmFilter(harness.lineup), harness.app, true);
        } catch (Exception | Error e) {
            harness.close();
            throw e;
        }
        return harness;
    }

    private PluginLineup lineup;

    private void startPlugins(String yaml) throws IOException {
        Path dir = Files.createTempDirectory("policies");
        Path file = dir.resolve("wasmgate.yaml");
        Files.writeString(file, yaml);
        PluginChainConfig config;
        try {
            config = YamlConfigLoader.load(file);
        } finally {
            Files.delete(file);
            Files.delete(dir);
        }
        callouts = config.clusters().isEmpty() ? null : JettyCalloutClient.start(config.clusters());
        services = HostServices.builder().withMeterRegistry(registry)
                .withCalloutClient(callouts == null ? CalloutClient.NONE : callouts).build();
        startAll(config.services());
        List<PluginRelease> plugins = startAll(config.plugins());
        List<PluginRelease> logPlugins = startAll(config.logPlugins());
        lineup = new PluginLineup(plugins, logPlugins);
    }

    private List<PluginRelease> startAll(List<PluginConfig> configs) {
        List<PluginRelease> releases = new ArrayList<>();
        for (PluginConfig config : configs) {
            CapturingLog log = new CapturingLog(LogLevel.INFO);
            logs.put(config.name(), log);
            PluginRelease release = PluginRelease.start(withLog(config, log), null, services);
            started.add(release);
            releases.add(release);
        }
        return releases;
    }

    /** {@code config} as loaded from YAML, logging into {@code log}. */
    static PluginConfig withLog(PluginConfig config, CapturingLog log) {
        return PluginConfig.builder(config.name()).withModule(config.module()).withRootId(config.rootId())
                .withVmId(config.vmId()).withConfiguration(config.configuration())
                .withVmConfiguration(config.vmConfiguration()).withEngine(config.engine())
                .withInstances(config.instances()).withFailurePolicy(config.failurePolicy())
                .withEnvironment(config.environment()).withAllowOnHeadersStopIteration(config.allowOnHeadersStopIteration())
                .withLimits(config.limits()).withReloadBackoff(config.reloadBackoff()).withLog(log).build();
    }

    /** What starting {@code yaml} failed with: the exception's message and every plugin's log lines. */
    static String rejection(String yaml) {
        PolicyHarness harness = new PolicyHarness();
        try {
            harness.startPlugins(yaml);
        } catch (RuntimeException | IOException e) {
            StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
            harness.logs.values().forEach(log -> log.texts().forEach(line -> text.append('\n').append(line)));
            return text.toString();
        } finally {
            try {
                harness.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("the configuration was accepted:\n" + yaml);
    }

    /** A request to {@code path} under the application's context ({@code /app}). */
    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(server.uri(TestServer.CONTEXT + path)).timeout(Duration.ofSeconds(10));
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.build(), BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(request(path));
    }

    PolicyApp app() {
        return app;
    }

    SimpleMeterRegistry registry() {
        return registry;
    }

    /** The count of the counter {@code name} of plugin {@code plugin}, 0 if it does not exist. */
    double counter(String name, String plugin) {
        Counter counter = registry.find(name).tag("plugin", plugin).counter();
        return counter == null ? 0 : counter.count();
    }

    /** What plugin {@code name} logged (info and above). */
    List<String> log(String name) {
        return logs.get(name).texts();
    }

    @Override
    public void close() throws Exception {
        if (server != null) {
            server.stop();
        }
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
        if (services != null) {
            services.close();
        }
        if (callouts != null) {
            callouts.close();
        }
    }
}
