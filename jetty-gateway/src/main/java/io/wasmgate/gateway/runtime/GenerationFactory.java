package io.wasmgate.gateway.runtime;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.abi.services.HostServices;
import io.wasmgate.abi.spi.CalloutClient;
import io.wasmgate.filter.PluginLineup;
import io.wasmgate.filter.PluginRelease;
import io.wasmgate.filter.ProxyWasmFilter;
import io.wasmgate.filter.callout.Cluster;
import io.wasmgate.filter.callout.JettyCalloutClient;
import io.wasmgate.filter.config.Canary;
import io.wasmgate.filter.config.PluginChainConfig;
import io.wasmgate.gateway.config.GatewayConfig;
import io.wasmgate.gateway.config.RouteConfig;
import io.wasmgate.gateway.proxy.Route;
import io.wasmgate.gateway.proxy.UpstreamProxy;
import jakarta.servlet.ServletContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * Builds the {@link Generation} of a configuration: the callout client of its clusters, a proxy per routed
 * cluster, its services, plugins and log plugins (with canaries), and the routes. Whatever an earlier
 * generation started with the same key is shared, not restarted; new plugins may first be checked on a
 * throw-away instance ({@link ScratchValidator}).
 */
final class GenerationFactory {
    private final HostServices services;
    private final SwitchingCalloutClient callouts;
    private final ServletContext context;
    private final Executor executor;
    private final SharedResources<PluginKey, PluginRelease> plugins = new SharedResources<>();
    private final SharedResources<Cluster, UpstreamProxy> upstreams = new SharedResources<>();
    private final SharedResources<List<Cluster>, JettyCalloutClient> calloutClients = new SharedResources<>();

    GenerationFactory(HostServices services, SwitchingCalloutClient callouts, ServletContext context, Executor executor) {
        this.services = services;
        this.callouts = callouts;
        this.context = context;
        this.executor = executor;
    }

    /**
     * Starts what {@code config} needs that no live generation has. On failure everything acquired is let
     * go again and callouts keep going where they went.
     *
     * @param validateFirst check new plugins on a throw-away instance before starting them for real
     * @throws io.wasmgate.abi.WasmgateException naming the plugin that could not start
     * @throws IllegalStateException if a client does not start
     */
    Generation build(GatewayConfig config, boolean validateFirst) {
        List<Runnable> acquired = new ArrayList<>();
        Runnable releaseAll = () -> {
            for (int i = acquired.size() - 1; i >= 0; i--) {
                acquired.get(i).run();
            }
        };
        CalloutClient client = callouts(config.plugins().clusters(), acquired);
        CalloutClient previous = callouts.switchTo(client);
        try {
            ScratchValidator validator = validateFirst ? new ScratchValidator(client) : null;
            PluginChainConfig definitions = config.plugins();
            Map<String, PluginRelease> started = new LinkedHashMap<>();
            for (PluginConfig service : definitions.services()) {
                started.put(service.name(), release(service, null, validator, acquired));
            }
            for (PluginConfig plugin : concat(definitions.plugins(), definitions.logPlugins())) {
                started.put(plugin.name(), release(plugin, definitions.canaries().get(plugin.name()), validator, acquired));
            }
            List<Route> routes = new ArrayList<>();
            for (RouteConfig route : config.routes()) {
                routes.add(route(config, route, started, acquired));
            }
            // Shared queues outlive generations: a reload that took changes their size from now on.
            services.sharedQueues().maxBytes(config.plugins().sharedQueueMaxBytes());
            return new Generation(config, routes, started, releaseAll, executor);
        } catch (RuntimeException e) {
            callouts.switchTo(previous);
            releaseAll.run();
            throw e;
        }
    }

    private CalloutClient callouts(List<Cluster> clusters, List<Runnable> acquired) {
        if (clusters.isEmpty()) {
            return CalloutClient.NONE;
        }
        JettyCalloutClient client = calloutClients.acquire(clusters, () -> JettyCalloutClient.start(clusters));
        acquired.add(() -> calloutClients.release(clusters));
        return client;
    }

    private PluginRelease release(PluginConfig config, Canary canary, ScratchValidator validator, List<Runnable> acquired) {
        PluginKey key = PluginKey.of(config, canary);
        PluginRelease release = plugins.acquire(key, () -> {
            if (validator != null) {
                validator.validate(config, canary);
            }
            forgetGauges(services.meterRegistry(), config.name());
            return PluginRelease.start(config, canary, services);
        });
        acquired.add(() -> plugins.release(key));
        return release;
    }

    /**
     * Drops the gauges of an earlier version of plugin {@code name}: Micrometer keeps the first gauge
     * registered under an id, which would go on reading the old version's values.
     */
    private static void forgetGauges(MeterRegistry registry, String name) {
        for (Meter meter : registry.getMeters()) {
            if (meter instanceof Gauge && name.equals(meter.getId().getTag("plugin"))) {
                registry.remove(meter);
            }
        }
    }

    private Route route(GatewayConfig config, RouteConfig route, Map<String, PluginRelease> started, List<Runnable> acquired) {
        Cluster cluster = config.cluster(route.cluster()).orElseThrow();
        UpstreamProxy upstream = upstreams.acquire(cluster,
                () -> UpstreamProxy.start(cluster, context, executor, services.meterRegistry()));
        acquired.add(() -> upstreams.release(cluster));
        if (route.plugins().isEmpty() && route.logPlugins().isEmpty()) {
            return new Route(route, null, upstream);
        }
        PluginLineup lineup = new PluginLineup(route.plugins().stream().map(started::get).toList(),
                route.logPlugins().stream().map(started::get).toList());
        return new Route(route, new ProxyWasmFilter(lineup, config.plugins().pathParameters()), upstream);
    }

    private static List<PluginConfig> concat(List<PluginConfig> first, List<PluginConfig> second) {
        List<PluginConfig> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }
}
