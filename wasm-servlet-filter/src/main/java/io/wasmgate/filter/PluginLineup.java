package io.wasmgate.filter;

import java.util.List;

/**
 * The started plugins one {@link ProxyWasmFilter} runs: plugins on every request (request phase in order,
 * response phase in reverse) and log plugins ({@code proxy_on_log} only). A lineup does not own its
 * plugins: whoever started them closes them, after the last request using them ended.
 *
 * @param plugins the HTTP filters, in request order
 * @param logPlugins the log-only plugins
 */
public record PluginLineup(List<PluginRelease> plugins, List<PluginRelease> logPlugins) {
    public PluginLineup {
        plugins = List.copyOf(plugins);
        logPlugins = List.copyOf(logPlugins);
    }
}
