package io.wasmgate.abi.hostcalls;

import static io.wasmgate.abi.hostcalls.HostcallTable.i32;

import io.wasmgate.abi.context.ProxyWasmVm;
import io.wasmgate.abi.services.ForeignFunction;
import io.wasmgate.abi.services.ForeignFunctionException;
import io.wasmgate.abi.wire.LogLevel;
import io.wasmgate.abi.wire.WasmResult;
import java.util.Optional;

/**
 * {@code proxy_call_foreign_function}: host extensions by name. An unknown name is
 * {@code NOT_FOUND}; a function failing unexpectedly is {@code INTERNAL_FAILURE}, never a trap.
 */
final class ForeignFunctionHostcalls {
    private final ProxyWasmVm vm;

    ForeignFunctionHostcalls(ProxyWasmVm vm) {
        this.vm = vm;
    }

    void register(HostcallTable table) {
        table.env("proxy_call_foreign_function", 6,
                a -> proxyCallForeignFunction(i32(a[0]), i32(a[1]), i32(a[2]), i32(a[3]), i32(a[4]), i32(a[5])));
    }

    WasmResult proxyCallForeignFunction(int namePtr, int nameLen, int argsPtr, int argsLen, int returnData, int returnSize) {
        String name = vm.memory().readUtf8(namePtr, nameLen);
        byte[] arguments = vm.memory().read(argsPtr, argsLen);
        Optional<ForeignFunction> function = vm.services().foreignFunctions().find(name);
        if (function.isEmpty()) {
            return WasmResult.NOT_FOUND;
        }
        byte[] result;
        try {
            result = function.get().call(arguments);
        } catch (ForeignFunctionException e) {
            return e.result();
        } catch (RuntimeException e) {
            vm.log(LogLevel.ERROR, "foreign function " + name + " failed: " + e);
            return WasmResult.INTERNAL_FAILURE;
        }
        if (returnData != 0) {
            vm.memory().returnBytes(result, returnData, returnSize);
        }
        return WasmResult.OK;
    }
}
