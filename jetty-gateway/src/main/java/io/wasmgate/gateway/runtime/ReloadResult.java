package io.wasmgate.gateway.runtime;

import java.time.Instant;
import java.util.Map;

/**
 * What the last reload did.
 *
 * @param at when it finished
 * @param trigger what asked for it ({@code admin}, {@code file watcher})
 * @param ok {@code true} if the new configuration serves now
 * @param error why it was rejected (the old configuration keeps serving), or {@code null}
 * @param pluginErrors the errors that name a plugin, by plugin name
 */
public record ReloadResult(Instant at, String trigger, boolean ok, String error, Map<String, String> pluginErrors) {
    public ReloadResult {
        pluginErrors = Map.copyOf(pluginErrors);
    }
}
