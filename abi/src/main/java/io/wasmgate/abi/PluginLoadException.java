package io.wasmgate.abi;

/** A module could not be read, parsed, validated, linked or instantiated. */
public class PluginLoadException extends WasmgateException {
    private static final long serialVersionUID = 1L;

    public PluginLoadException(String plugin, String module, String reason) {
        super(plugin, module, reason, null);
    }

    public PluginLoadException(String plugin, String module, String reason, Throwable cause) {
        super(plugin, module, reason, cause);
    }
}
