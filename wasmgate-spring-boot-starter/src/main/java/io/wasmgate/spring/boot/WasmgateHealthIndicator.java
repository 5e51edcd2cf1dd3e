package io.wasmgate.spring.boot;

import io.wasmgate.abi.plugin.Plugin;
import io.wasmgate.filter.PluginRelease;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * Each plugin's state, as the gateway's admin {@code /plugins} derives it: {@code ok} while every VM
 * instance runs, {@code degraded} when some are missing, {@code failed} when none runs (for a plugin with a
 * canary, the worse of its two versions). {@code DOWN} when a plugin failed or the plugins were stopped.
 */
public class WasmgateHealthIndicator extends AbstractHealthIndicator {
    /** A plugin version's state. */
    public enum State {
        OK, DEGRADED, FAILED;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final WasmgatePlugins plugins;

    public WasmgateHealthIndicator(WasmgatePlugins plugins) {
        super("Wasmgate health check failed");
        this.plugins = plugins;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        boolean down = !plugins.isRunning();
        Map<String, Object> details = new LinkedHashMap<>();
        for (Map.Entry<PluginRelease, WasmgatePlugins.Role> entry : plugins.releases().entrySet()) {
            PluginRelease release = entry.getKey();
            State state = state(release.stable());
            if (release.canary().isPresent()) {
                State canary = state(release.canary().get());
                state = canary.compareTo(state) > 0 ? canary : state;
            }
            down |= state == State.FAILED;
            Map<String, Object> plugin = new LinkedHashMap<>();
            plugin.put("state", state.toString());
            plugin.put("role", entry.getValue().name().toLowerCase(Locale.ROOT));
            plugin.put("instances", release.stable().config().instances());
            plugin.put("activeVms", release.stable().metrics().activeVms());
            plugin.put("module", release.stable().code().origin());
            release.canary().ifPresent(canary -> plugin.put("canaryWeight", release.weight()));
            details.put(release.name(), plugin);
        }
        (down ? builder.down() : builder.up()).withDetail("plugins", details);
    }

    static State state(Plugin plugin) {
        int active = plugin.metrics().activeVms();
        if (active <= 0) {
            return State.FAILED;
        }
        return active < plugin.config().instances() ? State.DEGRADED : State.OK;
    }
}
