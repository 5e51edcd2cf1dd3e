package io.wasmgate.abi;

/**
 * Root of Wasmgate's unchecked exceptions. Subclasses are named after the phase that failed and carry
 * the plugin and module they concern, so a message always says which policy broke and where.
 */
public class WasmgateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String plugin;
    private final String module;
    private final String reason;

    public WasmgateException(String plugin, String module, String reason, Throwable cause) {
        super(describe(plugin, module, reason), cause);
        this.plugin = plugin;
        this.module = module;
        this.reason = reason;
    }

    /** The plugin's configured name, or empty when the failure happened before a plugin existed. */
    public String plugin() {
        return plugin;
    }

    /** The module's origin (file, classpath resource or label). */
    public String module() {
        return module;
    }

    /** What went wrong, without the plugin and module prefix of the message. */
    public String reason() {
        return reason;
    }

    private static String describe(String plugin, String module, String reason) {
        String subject = plugin.isEmpty() ? "Wasm module " + module : "plugin '" + plugin + "' (module " + module + ")";
        return subject + ": " + reason;
    }
}
