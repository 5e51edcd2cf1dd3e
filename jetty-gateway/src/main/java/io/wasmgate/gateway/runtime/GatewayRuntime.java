package io.wasmgate.gateway.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.wasmgate.abi.WasmgateException;
import io.wasmgate.abi.services.HostServices;
import io.wasmgate.filter.config.Canary;
import io.wasmgate.filter.config.ConfigException;
import io.wasmgate.filter.config.ConfigProblem;
import io.wasmgate.gateway.config.GatewayConfig;
import io.wasmgate.gateway.config.GatewayConfigLoader;
import jakarta.servlet.ServletContext;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's plugins over time: host services for the gateway's whole life (shared data and queues
 * survive reloads), the serving {@link Generation}, and {@link #reload}: read the file again, check what
 * changed on throw-away instances, start it, swap. A failed reload changes nothing that serves; it is
 * logged and kept for {@code /plugins}. With a configuration file, a watcher reloads when the file or a
 * module file changed and then stayed unchanged for {@code watch.settle} ({@link ConfigWatcher}).
 */
public final class GatewayRuntime extends AbstractLifeCycle {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayRuntime.class);

    private final GatewayConfig initial;
    private final MeterRegistry registry;
    private final ServletContext context;
    private final Executor executor;
    private final Consumer<GatewayConfig> onReload;
    private final Generations generations = new Generations();
    private final SwitchingCalloutClient callouts = new SwitchingCalloutClient();
    private HostServices services;
    private GenerationFactory factory;
    private ConfigWatcher watcher;
    private volatile ReloadResult lastReload;

    /**
     * @param context the servlet context the upstream proxies belong to
     * @param executor the threads of the upstream clients (the server's)
     * @param onReload told of each configuration a reload started serving, for what lives outside the runtime
     */
    public GatewayRuntime(GatewayConfig initial, MeterRegistry registry, ServletContext context, Executor executor,
            Consumer<GatewayConfig> onReload) {
        this.initial = initial;
        this.registry = registry;
        this.context = context;
        this.executor = executor;
        this.onReload = onReload;
    }

    @Override
    protected void doStart() throws Exception {
        services = HostServices.builder().withMeterRegistry(registry).withCalloutClient(callouts)
                .withSharedQueueMaxBytes(initial.plugins().sharedQueueMaxBytes()).build();
        factory = new GenerationFactory(services, callouts, context, executor);
        try {
            generations.swap(factory.build(initial, false));
        } catch (RuntimeException e) {
            services.close();
            throw e;
        }
        if (initial.file() != null) {
            watcher = new ConfigWatcher(initial.file(), this::watchedFiles, this::watchSettle,
                    text -> reload("file watcher", text));
            watcher.start();
        }
    }

    private Set<Path> watchedFiles() {
        return generations.current().map(g -> g.config().watchedFiles()).orElse(Set.of());
    }

    private Duration watchSettle() {
        return generations.current().map(g -> g.config().watchSettle()).orElse(initial.watchSettle());
    }

    /** Stops watching, retires the serving generation (it ends with its last request) and the host services. */
    @Override
    protected void doStop() throws Exception {
        if (watcher != null) {
            watcher.stop();
        }
        // Under the monitor reload holds: a reload in progress swaps its generation in first, not after.
        synchronized (this) {
            generations.swap(null);
        }
        services.close();
    }

    public Generations generations() {
        return generations;
    }

    /** The outcome of the last reload, if there was one. */
    public Optional<ReloadResult> lastReload() {
        return Optional.ofNullable(lastReload);
    }

    /**
     * Loads the configuration file again and, if it and every changed module start, serves it; otherwise
     * the serving configuration stays.
     *
     * @param trigger what asked, for the log and {@code /plugins}
     */
    public ReloadResult reload(String trigger) {
        return reload(trigger, null);
    }

    /** {@link #reload(String)} of the file's content already read, or of the file itself if {@code text} is {@code null}. */
    private synchronized ReloadResult reload(String trigger, byte[] text) {
        Path file = initial.file();
        ReloadResult result;
        if (file == null) {
            result = failed(trigger, "this gateway runs a configuration built in code: there is no file to reload", Map.of());
        } else {
            try {
                GatewayConfig config = text == null ? GatewayConfigLoader.load(file) : GatewayConfigLoader.load(file, text);
                generations.swap(factory.build(config, true));
                onReload.accept(config);
                result = new ReloadResult(Instant.now(), trigger, true, null, Map.of());
                LOG.info("reloaded {} ({})", file, trigger);
            } catch (ConfigException e) {
                result = failed(trigger, e.getMessage(), pluginErrors(e));
            } catch (WasmgateException e) {
                result = failed(trigger, e.getMessage(), Map.of(Canary.pluginName(e.plugin()), e.getMessage()));
            } catch (RuntimeException e) {
                result = failed(trigger, e.toString(), Map.of());
            }
        }
        Counter.builder("wasmgate.gateway.reloads").tag("result", result.ok() ? "success" : "failure")
                .description("Configuration reloads").register(registry).increment();
        lastReload = result;
        return result;
    }

    private static ReloadResult failed(String trigger, String error, Map<String, String> pluginErrors) {
        LOG.error("reload ({}) rejected, the running configuration keeps serving: {}", trigger, error);
        return new ReloadResult(Instant.now(), trigger, false, error, pluginErrors);
    }

    /** The problems that concern a named plugin ({@code plugins[0] 'auth'}), by that name. */
    private static Map<String, String> pluginErrors(ConfigException e) {
        Map<String, String> errors = new LinkedHashMap<>();
        for (ConfigProblem problem : e.problems()) {
            String where = problem.where();
            int open = where.indexOf('\'');
            if (open >= 0 && where.endsWith("'") && where.matches("(plugins|log_plugins|services)\\[\\d+] '.*'")) {
                errors.merge(where.substring(open + 1, where.length() - 1), problem.describe(), (a, b) -> a + "; " + b);
            }
        }
        return errors;
    }
}
