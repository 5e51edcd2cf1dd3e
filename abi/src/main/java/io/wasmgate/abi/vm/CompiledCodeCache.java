package io.wasmgate.abi.vm;

import io.wasmgate.abi.config.Engine;
import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Loaded modules by origin, sha256 and engine, held weakly. Envoy keeps its base VMs the same way: a reload
 * whose module did not change, or a validation run followed by the real start, reuses the parsed and
 * compiled code instead of compiling again, and code no plugin uses any more is collected.
 */
final class CompiledCodeCache {
    /*
     * The key is a String on purpose. A record key holding an Engine had its equals and hashCode built by
     * JDK 17's ObjectMethods, which converts one shared, JDK-wide method handle to the record's component
     * types and caches the last conversion on it: a method type naming Engine, so the class loader of a
     * web application that loaded Wasmgate stayed reachable after it was undeployed.
     */
    private static final Map<String, WeakReference<WasmCode>> CODE = new ConcurrentHashMap<>();

    private CompiledCodeCache() {}

    /** The cached code for this key, or what {@code load} makes (then cached). */
    static WasmCode get(String origin, String sha256, Engine engine, Supplier<WasmCode> load) {
        String key = engine.name() + ' ' + sha256 + ' ' + origin;
        WeakReference<WasmCode> cached = CODE.get(key);
        WasmCode code = cached == null ? null : cached.get();
        if (code != null) {
            return code;
        }
        code = load.get();
        CODE.values().removeIf(reference -> reference.get() == null);
        CODE.put(key, new WeakReference<>(code));
        return code;
    }
}
