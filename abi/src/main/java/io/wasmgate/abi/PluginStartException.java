package io.wasmgate.abi;

/**
 * A plugin's start-up failed: a start function trapped, {@code proxy_on_vm_start} or
 * {@code proxy_on_configure} returned false or trapped.
 */
public class PluginStartException extends WasmgateException {
    private static final long serialVersionUID = 1L;

    public PluginStartException(String plugin, String module, String reason, Throwable cause) {
        super(plugin, module, reason, cause);
    }
}
