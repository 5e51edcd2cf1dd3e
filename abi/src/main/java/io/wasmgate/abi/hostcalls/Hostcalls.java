package io.wasmgate.abi.hostcalls;

import com.dylibso.chicory.runtime.ImportFunction;
import io.wasmgate.abi.context.ProxyWasmVm;
import java.util.List;

/**
 * Everything a plugin VM may import: every {@code env} hostcall of ABI 0.2.1 with its exact type, the
 * 0.1.0 legacy calls, the Emscripten helpers and WASI preview1. Pass {@link #link} to
 * {@link ProxyWasmVm#start}.
 */
public final class Hostcalls {
    private Hostcalls() {}

    /** The host functions bound to {@code vm}. */
    public static List<ImportFunction> link(ProxyWasmVm vm) {
        HostcallTable table = new HostcallTable();
        new LogHostcalls(vm).register(table);
        new ContextHostcalls(vm).register(table);
        new BufferHostcalls(vm).register(table);
        new HeaderMapHostcalls(vm).register(table);
        new StreamHostcalls(vm).register(table);
        new PropertyHostcalls(vm).register(table);
        new TimerHostcalls(vm).register(table);
        new SharedDataHostcalls(vm).register(table);
        new SharedQueueHostcalls(vm).register(table);
        new MetricHostcalls(vm).register(table);
        new ForeignFunctionHostcalls(vm).register(table);
        new HttpCallHostcalls(vm).register(table);
        new GrpcHostcalls(vm).register(table);
        new EmscriptenHostcalls().register(table);
        new WasiHostcalls(vm).register(table);
        return List.copyOf(table.functions());
    }
}
