package io.wasmgate.gateway.runtime;

import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.config.FailurePolicy;
import io.wasmgate.abi.config.Limits;
import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.filter.config.Canary;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;

/**
 * Everything that makes a started plugin what it is: two equal keys can share one started plugin, so a
 * reload restarts only the plugins whose code or configuration changed. Byte contents compare by value.
 */
record PluginKey(String name, ByteBuffer code, String rootId, String vmId, ByteBuffer configuration,
        ByteBuffer vmConfiguration, Engine engine, int instances, FailurePolicy failurePolicy,
        Map<String, String> environment, boolean allowOnHeadersStopIteration, Limits limits, Duration reloadBackoff,
        PluginKey canary, int canaryWeight) {

    /** The key of {@code config} with its {@code canary} (or {@code null}). */
    static PluginKey of(PluginConfig config, Canary canary) {
        return new PluginKey(config.name(), ByteBuffer.wrap(config.module().read(config.name())), config.rootId(),
                config.vmId(), ByteBuffer.wrap(config.configuration()), ByteBuffer.wrap(config.vmConfiguration()),
                config.engine(), config.instances(), config.failurePolicy(), config.environment(),
                config.allowOnHeadersStopIteration(), config.limits(), config.reloadBackoff(),
                canary == null ? null : of(canary.config(), null), canary == null ? 0 : canary.weight());
    }
}
