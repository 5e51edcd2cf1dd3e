package io.wasmgate.abi.hostcalls;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;

/** The two Emscripten helpers cpp-host links into {@code env} for C++ modules built with emscripten. */
final class EmscriptenHostcalls {
    private static final long[] NO_RESULT = new long[0];

    void register(HostcallTable table) {
        table.add(new HostFunction(HostcallTable.ENV, "emscripten_notify_memory_growth",
                FunctionType.of(new ValType[] {ValType.I32}, new ValType[0]), (instance, args) -> NO_RESULT));
        table.add(new HostFunction(HostcallTable.ENV, "pthread_equal",
                FunctionType.of(new ValType[] {ValType.I32, ValType.I32}, new ValType[] {ValType.I32}),
                (instance, args) -> new long[] {(int) args[0] == (int) args[1] ? 1 : 0}));
    }
}
