/** A configured, running plugin and its pool of VM instances: {@link io.wasmgate.abi.plugin.Plugin}. */
package io.wasmgate.abi.plugin;
