package io.wasmgate.filter.internal;

import io.wasmgate.abi.WasmgateException;
import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.abi.plugin.Plugin;
import io.wasmgate.abi.services.HostServices;
import io.wasmgate.filter.config.PluginChainConfig;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The started plugins of one filter: plugins, log plugins and services, on host services of their own.
 * {@link #handle} runs one request (or one async dispatch of it) through them; {@link #close} stops
 * everything and never throws. Not API: {@code ProxyWasmFilter} is.
 */
public final class PluginChain implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PluginChain.class);

    private final HostServices services;
    private final List<Plugin> plugins;
    private final List<Plugin> logPlugins;
    private final List<Plugin> servicePlugins;

    private PluginChain(HostServices services, List<Plugin> plugins, List<Plugin> logPlugins, List<Plugin> servicePlugins) {
        this.services = services;
        this.plugins = plugins;
        this.logPlugins = logPlugins;
        this.servicePlugins = servicePlugins;
    }

    /**
     * Starts every plugin of {@code config}: services first, then plugins and log plugins, in order.
     *
     * @throws WasmgateException naming the plugin that could not start; those started are stopped again
     */
    public static PluginChain start(PluginChainConfig config) {
        HostServices services = HostServices.create();
        List<Plugin> started = new ArrayList<>();
        try {
            List<Plugin> servicePlugins = startAll(config.services(), services, started);
            List<Plugin> plugins = startAll(config.plugins(), services, started);
            List<Plugin> logPlugins = startAll(config.logPlugins(), services, started);
            return new PluginChain(services, plugins, logPlugins, servicePlugins);
        } catch (WasmgateException e) {
            started.forEach(PluginChain::closeQuietly);
            services.close();
            throw e;
        }
    }

    private static List<Plugin> startAll(List<PluginConfig> configs, HostServices services, List<Plugin> started) {
        List<Plugin> plugins = new ArrayList<>(configs.size());
        for (PluginConfig config : configs) {
            Plugin plugin = Plugin.start(config, services);
            started.add(plugin);
            plugins.add(plugin);
        }
        return plugins;
    }

    /**
     * Runs a request dispatch through the plugins, or continues the request's run on an async dispatch.
     * Other dispatches (forward, include, error) of a request already running pass straight through.
     */
    public void handle(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        FilterChainRun run = (FilterChainRun) request.getAttribute(FilterChainRun.ATTRIBUTE);
        if (run == null && request.getDispatcherType() == DispatcherType.REQUEST) {
            new FilterChainRun(request, response, plugins, logPlugins).start(chain);
        } else if (run != null && request.getDispatcherType() == DispatcherType.ASYNC) {
            run.dispatched(request, response, chain);
        } else {
            chain.doFilter(request, response);
        }
    }

    /** Stops every plugin, then the host services; failures are logged, never thrown. */
    @Override
    public void close() {
        for (List<Plugin> group : List.of(logPlugins, plugins, servicePlugins)) {
            group.forEach(PluginChain::closeQuietly);
        }
        try {
            services.close();
        } catch (RuntimeException e) {
            LOG.warn("stopping the Wasm host services failed", e);
        }
    }

    private static void closeQuietly(Plugin plugin) {
        try {
            plugin.close();
        } catch (RuntimeException e) {
            LOG.warn("stopping plugin '{}' failed", plugin.config().name(), e);
        }
    }
}
