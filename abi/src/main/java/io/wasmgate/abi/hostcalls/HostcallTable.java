package io.wasmgate.abi.hostcalls;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportFunction;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import io.wasmgate.abi.vm.MemoryAccessException;
import io.wasmgate.abi.wire.WasmResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Collects the host functions of one VM. Proxy-wasm hostcalls are registered by their exact ABI name with
 * their exact type; the wrapper turns a {@link MemoryAccessException} into {@code INVALID_MEMORY_ACCESS}
 * so no guest mistake becomes a Java exception.
 */
final class HostcallTable {
    static final String ENV = "env";
    private static final long[][] RESULTS = new long[WasmResult.values().length][];

    static {
        for (WasmResult result : WasmResult.values()) {
            RESULTS[result.ordinal()] = new long[] {result.code()};
        }
    }

    /** A proxy-wasm hostcall body: decode arguments, act, return the status. */
    @FunctionalInterface
    interface Hostcall {
        WasmResult call(long[] args);
    }

    private final List<ImportFunction> functions = new ArrayList<>();

    /** Registers {@code env.name} taking {@code i32Params} i32 arguments and returning an i32 status. */
    void env(String name, int i32Params, Hostcall body) {
        ValType[] params = new ValType[i32Params];
        Arrays.fill(params, ValType.I32);
        env(name, FunctionType.of(params, new ValType[] {ValType.I32}), body);
    }

    /** Registers {@code env.name} with an explicit type (the metric calls take an i64). */
    void env(String name, FunctionType type, Hostcall body) {
        functions.add(new HostFunction(ENV, name, type, (instance, args) -> {
            try {
                return RESULTS[body.call(args).ordinal()].clone();
            } catch (MemoryAccessException e) {
                return RESULTS[WasmResult.INVALID_MEMORY_ACCESS.ordinal()].clone();
            }
        }));
    }

    /** Registers any other import as is. */
    void add(ImportFunction function) {
        functions.add(function);
    }

    List<ImportFunction> functions() {
        return functions;
    }

    /** An i32 argument. */
    static int i32(long arg) {
        return (int) arg;
    }

    /** An i32 argument read as unsigned, as the ABI's sizes and offsets are. */
    static long u32(long arg) {
        return arg & 0xFFFFFFFFL;
    }
}
