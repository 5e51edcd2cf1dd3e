/**
 * The YAML configuration contract (docs/configuration.md) shared by the servlet filter and the gateway:
 * {@link io.wasmgate.filter.config.YamlConfigLoader} binds a file to the {@code *Spec} records, and
 * {@link io.wasmgate.filter.config.PluginConfigFactory} validates them into the host's {@code PluginConfig}s,
 * collecting every problem into one {@link io.wasmgate.filter.config.ConfigException}.
 */
package io.wasmgate.filter.config;
