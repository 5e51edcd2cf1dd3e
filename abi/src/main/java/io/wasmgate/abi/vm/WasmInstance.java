package io.wasmgate.abi.vm;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.ImportFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.ImportSection;
import com.dylibso.chicory.wasm.types.ValType;
import io.wasmgate.abi.PluginLoadException;
import io.wasmgate.abi.wire.AbiVersion;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One instantiated VM made from a {@link WasmCode}: its memory and its callback exports, each checked
 * against the exact type the module's ABI version requires. Single-threaded: callers serialise access.
 */
public final class WasmInstance {
    private final WasmCode code;
    private final Instance instance;
    private final GuestMemory memory;
    private final Map<Callback, ExportFunction> callbacks;

    private WasmInstance(WasmCode code, Instance instance, GuestMemory memory, Map<Callback, ExportFunction> callbacks) {
        this.code = code;
        this.instance = instance;
        this.memory = memory;
        this.callbacks = callbacks;
    }

    /**
     * Instantiates {@code code} with the given host functions, running the module's start section but
     * no start export ({@code _initialize}/{@code _start} are the lifecycle's to call).
     */
    public static WasmInstance create(String plugin, WasmCode code, List<ImportFunction> hostFunctions, int maxPages) {
        checkImports(plugin, code, hostFunctions);
        Instance instance;
        try {
            instance = Instance.builder(code.module())
                    .withImportValues(ImportValues.builder().withFunctions(hostFunctions).build())
                    .withMachineFactory(code.machineFactory())
                    .withMemoryFactory(limits -> FlatMemory.fits(limits) ? new FlatMemory(limits) : new ByteArrayMemory(limits))
                    .withMemoryLimits(memoryLimits(plugin, code, maxPages))
                    .withStart(false)
                    .build();
        } catch (ChicoryException e) {
            throw new PluginLoadException(plugin, code.origin(), "cannot instantiate: " + e.getMessage(), e);
        }
        if (instance.memory() == null) {
            throw new PluginLoadException(plugin, code.origin(), "the module has no linear memory");
        }
        Map<Callback, ExportFunction> callbacks = new EnumMap<>(Callback.class);
        for (Callback callback : Callback.values()) {
            if (code.exports(callback.exportName())) {
                FunctionType actual = instance.exportType(callback.exportName());
                FunctionType expected = callback.type(code.abiVersion());
                if (!actual.equals(expected)) {
                    throw new PluginLoadException(plugin, code.origin(), "bad function signature for export "
                            + callback.exportName() + ": " + signature(actual) + ", ABI " + version(code.abiVersion())
                            + " requires " + signature(expected));
                }
                callbacks.put(callback, instance.export(callback.exportName()));
            }
        }
        String allocatorName = code.exports(WasmCode.ALLOCATOR) ? WasmCode.ALLOCATOR : WasmCode.MALLOC;
        FunctionType allocatorType = instance.exportType(allocatorName);
        if (!allocatorType.equals(FunctionType.of(List.of(ValType.I32),
                List.of(ValType.I32)))) {
            throw new PluginLoadException(plugin, code.origin(),
                    "bad function signature for allocator " + allocatorName + ": " + signature(allocatorType) + ", expected (i32) -> (i32)");
        }
        GuestMemory memory = new GuestMemory(instance.memory(), instance.export(allocatorName));
        return new WasmInstance(code, instance, memory, callbacks);
    }

    /**
     * Names the first function import the host cannot link, as cpp-host does ("missing import: env.x"),
     * instead of Chicory's "unknown import ... import number: 0" / "incompatible import type".
     */
    private static void checkImports(String plugin, WasmCode code, List<ImportFunction> hostFunctions) {
        Map<String, FunctionType> provided = new HashMap<>();
        hostFunctions.forEach(function -> provided.put(function.module() + "." + function.name(), function.functionType()));
        ImportSection imports = code.module().importSection();
        for (int i = 0; i < imports.importCount(); i++) {
            if (imports.getImport(i) instanceof FunctionImport function) {
                String name = function.module() + "." + function.name();
                FunctionType declared = code.module().typeSection().getType(function.typeIndex());
                FunctionType expected = provided.get(name);
                if (expected == null) {
                    throw new PluginLoadException(plugin, code.origin(), "missing import " + name
                            + ": the host provides no such function");
                }
                if (!expected.equals(declared)) {
                    throw new PluginLoadException(plugin, code.origin(), "bad function signature for import " + name
                            + ": " + signature(declared) + ", the host provides " + signature(expected));
                }
            }
        }
    }

    /** {@code (i32, i32) -> (i32)}. */
    private static String signature(FunctionType type) {
        return "(" + valTypes(type.params()) + ") -> (" + valTypes(type.returns()) + ")";
    }

    private static String valTypes(List<ValType> types) {
        return types.stream().map(type -> type.toString().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
    }

    /** {@code 0.2.1}. */
    private static String version(AbiVersion version) {
        return version.marker().substring("proxy_abi_version_".length()).replace('_', '.');
    }

    /**
     * The module's own memory limits, with the maximum lowered to {@code maxPages}; a module that needs
     * more than that from the start is refused rather than silently given more.
     */
    private static MemoryLimits memoryLimits(String plugin, WasmCode code, int maxPages) {
        MemoryLimits declared = code.module().memorySection()
                .filter(section -> section.memoryCount() > 0)
                .map(section -> section.getMemory(0).limits())
                .orElse(new MemoryLimits(0, maxPages));
        if (declared.initialPages() > maxPages) {
            throw new PluginLoadException(plugin, code.origin(), "the module needs " + declared.initialPages()
                    + " pages (64 KiB each) of memory at start, more than limits.memory allows (" + maxPages + " pages)");
        }
        return new MemoryLimits(declared.initialPages(), Math.min(declared.maximumPages(), maxPages));
    }

    public WasmCode code() {
        return code;
    }

    public GuestMemory memory() {
        return memory;
    }

    /** {@code true} if the module exports {@code callback}. */
    public boolean has(Callback callback) {
        return callbacks.containsKey(callback);
    }

    /**
     * Calls {@code callback}; a missing export returns {@link Callback#absentResult()} without entering
     * the VM. Traps surface as Chicory's runtime exceptions for the caller to classify.
     */
    public long call(Callback callback, long... args) {
        ExportFunction function = callbacks.get(callback);
        if (function == null) {
            return callback.absentResult();
        }
        long[] result = function.apply(args);
        return result == null || result.length == 0 ? 0 : result[0];
    }
}
