package io.wasmgate.spring.boot;

import io.micrometer.core.instrument.MeterRegistry;
import io.wasmgate.abi.WasmgateException;
import io.wasmgate.filter.FilterHost;
import io.wasmgate.filter.PathParameters;
import io.wasmgate.filter.PluginLineup;
import io.wasmgate.filter.PluginRelease;
import io.wasmgate.filter.config.PluginChainConfig;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
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

    /** What a plugin is in the chain. */
    public enum Role {
        SERVICE, PLUGIN, LOG_PLUGIN
    }

    private final FilterHost host;
    private final PathParameters pathParameters;
    private final Map<PluginRelease, Role> roles = new LinkedHashMap<>();
    private volatile boolean running = true;

    private WasmgatePlugins(FilterHost host, PathParameters pathParameters) {
        this.host = host;
        this.pathParameters = pathParameters;
        host.services().forEach(release -> roles.put(release, Role.SERVICE));
        host.lineup().plugins().forEach(release -> roles.put(release, Role.PLUGIN));
        host.lineup().logPlugins().forEach(release -> roles.put(release, Role.LOG_PLUGIN));
    }

    /**
     * Starts every plugin of {@code config}: services first, then plugins and log plugins, in order.
     *
     * @throws WasmgateException naming the plugin that could not start; those started are stopped again
     */
    public static WasmgatePlugins start(PluginChainConfig config, MeterRegistry registry) {
        return new WasmgatePlugins(FilterHost.start(config, registry), config.pathParameters());
    }

    /** What becomes of a request path's {@code ;} parameters before the plugins see it. */
    public PathParameters pathParameters() {
        return pathParameters;
    }

    /** The plugins and log plugins requests run through. */
    public PluginLineup lineup() {
        return host.lineup();
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
            host.close();
        }
    }
}
