package io.wasmgate.gateway.runtime;

import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.abi.plugin.Plugin;
import io.wasmgate.abi.services.HostServices;
import io.wasmgate.abi.spi.CalloutClient;
import io.wasmgate.filter.config.Canary;

/**
 * Checks new code and configuration before they replace what serves: loads the module and runs one VM
 * instance through start-up and {@code proxy_on_configure} on throw-away host services (their own shared
 * data and meters), then discards it. Nothing the live plugins see is touched.
 */
final class ScratchValidator {
    private final CalloutClient callouts;

    /** @param callouts where the throw-away instance's callouts go (the new configuration's clusters) */
    ScratchValidator(CalloutClient callouts) {
        this.callouts = callouts;
    }

    /** @throws io.wasmgate.abi.WasmgateException naming the plugin and why it cannot start */
    void validate(PluginConfig config, Canary canary) {
        validate(config);
        if (canary != null) {
            validate(canary.config());
        }
    }

    private void validate(PluginConfig config) {
        HostServices scratch = HostServices.builder().withThreads(1).withCalloutClient(callouts).build();
        try {
            Plugin.start(oneInstance(config), scratch).close();
        } finally {
            scratch.close();
        }
    }

    private static PluginConfig oneInstance(PluginConfig config) {
        return PluginConfig.builder(config.name())
                .withModule(config.module())
                .withRootId(config.rootId())
                .withVmId(config.vmId())
                .withConfiguration(config.configuration())
                .withVmConfiguration(config.vmConfiguration())
                .withEngine(config.engine())
                .withCodeCache(config.codeCache().orElse(null))
                .withInstances(1)
                .withFailurePolicy(config.failurePolicy())
                .withEnvironment(config.environment())
                .withAllowOnHeadersStopIteration(config.allowOnHeadersStopIteration())
                .withLog(config.log())
                .withLimits(config.limits())
                .withReloadBackoff(config.reloadBackoff())
                .build();
    }
}
