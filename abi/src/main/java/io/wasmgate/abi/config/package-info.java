/** A plugin's configuration as the host consumes it: {@link io.wasmgate.abi.config.PluginConfig} and its policies. */
package io.wasmgate.abi.config;
