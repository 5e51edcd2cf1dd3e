package io.wasmgate.filter;

import io.micrometer.core.instrument.MeterRegistry;
import io.wasmgate.abi.WasmgateException;
import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.abi.services.HostServices;
import io.wasmgate.abi.spi.CalloutClient;
import io.wasmgate.filter.callout.JettyCalloutClient;
import io.wasmgate.filter.config.PluginChainConfig;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a filter configured by a {@link PluginChainConfig} owns: a callout client for its clusters (none
 * without clusters), host services of its own, its services, and the plugins and log plugins of its
 * {@link #lineup()}. {@link ProxyWasmFilter} starts one; an integration that runs the plugins itself (the
 * Spring Boot starter) starts its own. {@link #close} stops everything and never throws.
 */
public final class FilterHost implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FilterHost.class);

    private final JettyCalloutClient callouts;
    private final HostServices services;
    private final List<PluginRelease> started;
    private final List<PluginRelease> serviceReleases;
    private final PluginLineup lineup;

    private FilterHost(JettyCalloutClient callouts, HostServices services, List<PluginRelease> started,
            List<PluginRelease> serviceReleases, PluginLineup lineup) {
        this.callouts = callouts;
        this.services = services;
        this.started = started;
        this.serviceReleases = serviceReleases;
        this.lineup = lineup;
    }

    /**
     * Starts every plugin of {@code config}: services first, then plugins and log plugins, in order.
     *
     * @throws WasmgateException naming the plugin that could not start; those started are stopped again
     */
    public static FilterHost start(PluginChainConfig config) {
        return start(config, HostServices.builder());
    }

    /**
     * {@link #start(PluginChainConfig)} with the plugins' meters in {@code registry} (an embedding
     * application's own, e.g. Spring Boot's).
     */
    public static FilterHost start(PluginChainConfig config, MeterRegistry registry) {
        return start(config, HostServices.builder().withMeterRegistry(registry));
    }

    private static FilterHost start(PluginChainConfig config, HostServices.Builder builder) {
        JettyCalloutClient callouts = config.clusters().isEmpty() ? null : JettyCalloutClient.start(config.clusters());
        HostServices services = builder.withCalloutClient(callouts == null ? CalloutClient.NONE : callouts)
                .withSharedQueueMaxBytes(config.sharedQueueMaxBytes()).build();
        List<PluginRelease> started = new ArrayList<>();
        try {
            List<PluginRelease> serviceReleases = startAll(config, config.services(), services, started);
            List<PluginRelease> plugins = startAll(config, config.plugins(), services, started);
            List<PluginRelease> logPlugins = startAll(config, config.logPlugins(), services, started);
            return new FilterHost(callouts, services, started, List.copyOf(serviceReleases), new PluginLineup(plugins, logPlugins));
        } catch (WasmgateException e) {
            stop(started, services, callouts);
            throw e;
        }
    }

    private static List<PluginRelease> startAll(PluginChainConfig config, List<PluginConfig> plugins,
            HostServices services, List<PluginRelease> started) {
        List<PluginRelease> releases = new ArrayList<>(plugins.size());
        for (PluginConfig plugin : plugins) {
            PluginRelease release = PluginRelease.start(plugin, config.canaries().get(plugin.name()), services);
            started.add(release);
            releases.add(release);
        }
        return releases;
    }

    /** The plugins and log plugins requests run through. */
    public PluginLineup lineup() {
        return lineup;
    }

    /** The services (root contexts only), in start order. */
    public List<PluginRelease> services() {
        return serviceReleases;
    }

    /** Stops the plugins (last started first), then the host services and the callout client. */
    @Override
    public void close() {
        stop(started, services, callouts);
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
