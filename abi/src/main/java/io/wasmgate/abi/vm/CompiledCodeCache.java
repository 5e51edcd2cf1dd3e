package io.wasmgate.abi.vm;

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
    private record Key(String origin, String sha256, Engine engine) {}

    private static final Map<Key, WeakReference<WasmCode>> CODE = new ConcurrentHashMap<>();

    private CompiledCodeCache() {}

    /** The cached code for this key, or what {@code load} makes (then cached). */
    static WasmCode get(String origin, String sha256, Engine engine, Supplier<WasmCode> load) {
        Key key = new Key(origin, sha256, engine);
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
