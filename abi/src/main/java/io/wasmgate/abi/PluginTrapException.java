package io.wasmgate.abi;

/**
 * The guest trapped (or a hostcall failed inside the host) while running a callback. The VM instance
 * that raised it is dead and must not be called again.
 */
public class PluginTrapException extends WasmgateException {
    private static final long serialVersionUID = 1L;

    private final String callback;

    public PluginTrapException(String plugin, String module, String callback, Throwable cause) {
        super(plugin, module, "trap in " + callback + ": " + describe(cause), cause);
        this.callback = callback;
    }

    /** The export that was running when the trap happened. */
    public String callback() {
        return callback;
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : message;
    }
}
