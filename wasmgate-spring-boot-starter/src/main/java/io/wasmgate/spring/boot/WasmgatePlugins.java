package io.wasmgate.spring.boot;

import io.micrometer.core.instrument.MeterRegistry;
import io.wasmgate.abi.WasmgateException;
import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.abi.services.HostServices;
import io.wasmgate.abi.spi.CalloutClient;
import io.wasmgate.filter.PluginLineup;
import io.wasmgate.filter.PluginRelease;
import io.wasmgate.filter.callout.JettyCalloutClient;
import io.wasmgate.filter.config.PluginChainConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;

/**
 * The application's started plugins: services, plugins and log plugins on host services whose meters go
 * to the application's {@link MeterRegistry}, and a callout client for the clusters. They start when this
 * bean is created, before the web server takes requests; a plugin that cannot start fails the bean, naming
 * the plugin and its reason.
 *
 * <p>They stop in {@link #stop()}, a lifecycle phase below the web server's: Boot first drains the web
 * server (graceful shutdown), then stops it, then the plugins, so a request still in flight ends through
 * running plugins. {@link #close()} stops them too if the context never started.
 */
public final class WasmgatePlugins implements SmartLifecycle, AutoCloseable {
    /** Below {@code WebServerStartStopLifecycle} (graceful shutdown's phase minus 1024): stops after it. */
    public static final int PHASE = WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE - 2048;

    private static final Logger LOG = LoggerFactory.getLogger(WasmgatePlugins.class);

    /** What a plugin is in the chain. */
    public enum Role {
        SERVICE, PLUGIN, LOG_PLUGIN
    }

    private final JettyCalloutClient callouts;
    private final HostServices services;
    private final Map<PluginRelease, Role> roles;
    private final List<PluginRelease> started;
    private final PluginLineup lineup;
    private volatile boolean running = true;

    private WasmgatePlugins(JettyCalloutClient callouts, HostServices services, Map<PluginRelease, Role> roles,
            List<PluginRelease> started, PluginLineup lineup) {
        this.callouts = callouts;
        this.services = services;
        this.roles = roles;
        this.started = started;
        this.lineup = lineup;
    }

    /**
     * Starts every plugin of {@code config}: services first, then plugins and log plugins, in order.
     *
     * @throws WasmgateException naming the plugin that could not start; those started are stopped again
     */
    public static WasmgatePlugins start(PluginChainConfig config, MeterRegistry registry) {
        JettyCalloutClient callouts = config.clusters().isEmpty() ? null : JettyCalloutClient.start(config.clusters());
        HostServices services = HostServices.builder()
                .withMeterRegistry(registry)
                .withCalloutClient(callouts == null ? CalloutClient.NONE : callouts)
                .build();
        Map<PluginRelease, Role> roles = new LinkedHashMap<>();
        List<PluginRelease> started = new ArrayList<>();
        try {
            startAll(config, config.services(), Role.SERVICE, services, roles, started);
            List<PluginRelease> plugins = startAll(config, config.plugins(), Role.PLUGIN, services, roles, started);
            List<PluginRelease> logPlugins = startAll(config, config.logPlugins(), Role.LOG_PLUGIN, services, roles, started);
            return new WasmgatePlugins(callouts, services, roles, started, new PluginLineup(plugins, logPlugins));
        } catch (WasmgateException e) {
            stop(started, services, callouts);
            throw e;
        }
    }

    private static List<PluginRelease> startAll(PluginChainConfig config, List<PluginConfig> plugins, Role role,
            HostServices services, Map<PluginRelease, Role> roles, List<PluginRelease> started) {
        List<PluginRelease> releases = new ArrayList<>(plugins.size());
        for (PluginConfig plugin : plugins) {
            PluginRelease release = PluginRelease.start(plugin, config.canaries().get(plugin.name()), services);
            started.add(release);
            releases.add(release);
            roles.put(release, role);
        }
        return releases;
    }

    /** The plugins and log plugins requests run through. */
    public PluginLineup lineup() {
        return lineup;
    }

    /** Every started plugin (services, plugins, log plugins, in start order) with its role. */
    public Map<PluginRelease, Role> releases() {
        return Collections.unmodifiableMap(roles);
    }

    /** {@code false} once the plugins were stopped. */
    @Override
    public boolean isRunning() {
        return running;
    }

    /** Nothing to do: the plugins started with this bean, before the web server. */
    @Override
    public void start() {}

    @Override
    public void stop() {
        close();
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** Stops the plugins (last started first), then the host services and the callout client; once. */
    @Override
    public synchronized void close() {
        if (running) {
            running = false;
            stop(started, services, callouts);
        }
    }

    private static void stop(List<PluginRelease> started, HostServices services, JettyCalloutClient callouts) {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
        try {
            services.close();
        } catch (RuntimeException e) {
            LOG.warn("stopping the Wasm host services failed", e);
        }
        try {
            if (callouts != null) {
                callouts.close();
            }
        } catch (RuntimeException e) {
            LOG.warn("stopping the callout client failed", e);
        }
    }
}
