package io.wasmgate.gateway.runtime;

import io.wasmgate.abi.WasmgateException;
import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.abi.spi.CalloutClient;
import io.wasmgate.filter.config.PluginChainConfig;
import io.wasmgate.gateway.config.GatewayConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code --check} runs after the file itself validated: every plugin, log plugin, service and canary
 * started once on a throw-away instance (module loaded, {@code proxy_on_vm_start} and
 * {@code proxy_on_configure} run), without callout clusters. Each failure is one problem.
 */
public final class ConfigCheck {
    private ConfigCheck() {}

    /** The reasons plugins of {@code config} cannot start, in file order; empty if they all can. */
    public static List<String> startEveryPlugin(GatewayConfig config) {
        ScratchValidator validator = new ScratchValidator(CalloutClient.NONE);
        PluginChainConfig plugins = config.plugins();
        List<String> problems = new ArrayList<>();
        for (List<PluginConfig> group : List.of(plugins.plugins(), plugins.logPlugins(), plugins.services())) {
            for (PluginConfig plugin : group) {
                try {
                    validator.validate(plugin, plugins.canaries().get(plugin.name()));
                } catch (WasmgateException e) {
                    problems.add(e.getMessage());
                }
            }
        }
        return problems;
    }
}
