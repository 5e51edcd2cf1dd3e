package io.wasmgate.filter;

import io.wasmgate.abi.WasmgateException;
import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.abi.plugin.Plugin;
import io.wasmgate.abi.services.HostServices;
import io.wasmgate.filter.config.Canary;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A started plugin as it is released to traffic: the stable version and, optionally, a canary version
 * that {@link Canary#weight()} percent of new streams run instead ({@link #pick()}, drawn at random per
 * stream). Closing stops both versions.
 */
public final class PluginRelease implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PluginRelease.class);

    private final Plugin stable;
    private final Plugin canary;
    private final int weight;

    private PluginRelease(Plugin stable, Plugin canary, int weight) {
        this.stable = stable;
        this.canary = canary;
        this.weight = weight;
    }

    /**
     * Starts {@code stable} and, if given, the canary version on {@code services}.
     *
     * @param canary the canary version, or {@code null}
     * @throws WasmgateException naming the version that could not start; nothing is left running
     */
    public static PluginRelease start(PluginConfig stable, Canary canary, HostServices services) {
        Plugin started = Plugin.start(stable, services);
        if (canary == null) {
            return new PluginRelease(started, null, 0);
        }
        try {
            return new PluginRelease(started, Plugin.start(canary.config(), services), canary.weight());
        } catch (WasmgateException e) {
            started.close();
            throw e;
        }
    }

    /** The version a new stream runs: the canary for {@code weight} percent of streams, else the stable one. */
    public Plugin pick() {
        return canary != null && ThreadLocalRandom.current().nextInt(100) < weight ? canary : stable;
    }

    /** The plugin's name (the stable version's). */
    public String name() {
        return stable.config().name();
    }

    public Plugin stable() {
        return stable;
    }

    public Optional<Plugin> canary() {
        return Optional.ofNullable(canary);
    }

    /** The canary's share of new streams in percent; 0 without a canary. */
    public int weight() {
        return weight;
    }

    /** Stops both versions; failures are logged, never thrown. */
    @Override
    public void close() {
        closeQuietly(stable);
        if (canary != null) {
            closeQuietly(canary);
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
