package io.wasmgate.filter.config;

import io.wasmgate.abi.config.PluginConfig;
import java.util.Objects;

/**
 * The canary version of a plugin (docs/configuration.md {@code canary}): {@code weight} percent of new streams run
 * {@code config} instead of the stable version. The canary's configuration is the stable one's with the
 * canary's module and plugin configuration; its name is the plugin's name with {@link #NAME_SUFFIX}, so
 * logs and errors tell the versions apart (metrics report both under the plugin's name with a
 * {@code version} tag where the host supports it).
 *
 * @param config the canary version, named {@code <plugin>@canary}
 * @param weight the share of new streams, 0 to 100
 */
public record Canary(PluginConfig config, int weight) {
    /** Appended to the plugin's name to name its canary version. */
    public static final String NAME_SUFFIX = "@canary";

    public Canary {
        Objects.requireNonNull(config, "config");
        if (weight < 0 || weight > 100) {
            throw new IllegalArgumentException("canary weight must be 0 to 100, got " + weight);
        }
    }

    /** The plugin name {@code name} belongs to: the name itself, or without {@link #NAME_SUFFIX}. */
    public static String pluginName(String name) {
        return name.endsWith(NAME_SUFFIX) ? name.substring(0, name.length() - NAME_SUFFIX.length()) : name;
    }
}
