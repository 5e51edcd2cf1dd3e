package io.wasmgate.abi.hostcalls;

import static io.wasmgate.abi.hostcalls.HostcallTable.i32;
import static io.wasmgate.abi.hostcalls.HostcallTable.u32;

import io.wasmgate.abi.context.ContextBase;
import io.wasmgate.abi.context.ProxyWasmVm;
import io.wasmgate.abi.spi.Body;
import io.wasmgate.abi.vm.GuestMemory;
import io.wasmgate.abi.wire.BufferType;
import io.wasmgate.abi.wire.WasmResult;
import java.util.Optional;

/**
 * Byte buffers: bodies, configuration, call responses. Offsets and sizes are unsigned and
 * clamped, so the Rust SDK's {@code (0, 0xFFFFFFFF)} reads everything and the Go SDK's append at
 * {@code 0x7FFFFFFF} works.
 */
final class BufferHostcalls {
    /** The largest unsigned 32-bit size: "everything". */
    private static final long ALL = 0xFFFFFFFFL;

    private final ProxyWasmVm vm;

    BufferHostcalls(ProxyWasmVm vm) {
        this.vm = vm;
    }

    void register(HostcallTable table) {
        table.env("proxy_get_buffer_bytes", 5, a -> proxyGetBufferBytes(i32(a[0]), u32(a[1]), u32(a[2]), i32(a[3]), i32(a[4])));
        table.env("proxy_set_buffer_bytes", 5, a -> proxySetBufferBytes(i32(a[0]), u32(a[1]), u32(a[2]), i32(a[3]), i32(a[4])));
        table.env("proxy_get_buffer_status", 3, a -> proxyGetBufferStatus(i32(a[0]), i32(a[1]), i32(a[2])));
        table.env("proxy_get_configuration", 2, a -> proxyGetConfiguration(i32(a[0]), i32(a[1])));
    }

    WasmResult proxyGetBufferBytes(int type, long start, long maxSize, int returnData, int returnSize) {
        Optional<BufferType> bufferType = BufferType.of(type);
        if (bufferType.isEmpty()) {
            return WasmResult.BAD_ARGUMENT;
        }
        Optional<Body> buffer = vm.effectiveContext().buffer(bufferType.get());
        if (buffer.isEmpty()) {
            return WasmResult.NOT_FOUND;
        }
        returnSlice(buffer.get(), start, maxSize, returnData, returnSize);
        return WasmResult.OK;
    }

    WasmResult proxySetBufferBytes(int type, long start, long size, int dataPtr, int dataLen) {
        Optional<BufferType> bufferType = BufferType.of(type);
        if (bufferType.isEmpty()) {
            return WasmResult.BAD_ARGUMENT;
        }
        // A fresh copy: a set that replaces everything hands it to the body as its content.
        byte[] data = vm.memory().read(dataPtr, dataLen);
        ContextBase context = vm.effectiveContext();
        Optional<Body> buffer = context.buffer(bufferType.get());
        if (buffer.isEmpty()) {
            return WasmResult.NOT_FOUND;
        }
        if (!context.bufferWritable(bufferType.get())) {
            return WasmResult.BAD_ARGUMENT;
        }
        buffer.get().splice(start, size, data);
        return WasmResult.OK;
    }

    WasmResult proxyGetBufferStatus(int type, int returnSize, int returnFlags) {
        Optional<BufferType> bufferType = BufferType.of(type);
        if (bufferType.isEmpty()) {
            return WasmResult.BAD_ARGUMENT;
        }
        Optional<Body> buffer = vm.effectiveContext().buffer(bufferType.get());
        if (buffer.isEmpty()) {
            return WasmResult.NOT_FOUND;
        }
        vm.memory().check(returnFlags, 4);
        vm.memory().writeU32(returnSize, buffer.get().length());
        vm.memory().writeU32(returnFlags, 0);
        return WasmResult.OK;
    }

    /** ABI 0.1.0: the VM configuration in {@code proxy_on_vm_start}, the plugin's in {@code proxy_on_configure}. */
    WasmResult proxyGetConfiguration(int returnData, int returnSize) {
        Optional<Body> configuration = vm.effectiveContext().root().legacyConfiguration();
        if (configuration.isEmpty()) {
            return WasmResult.NOT_FOUND;
        }
        returnSlice(configuration.get(), 0, ALL, returnData, returnSize);
        return WasmResult.OK;
    }

    /** Copies the clamped slice from the body's own array straight into a guest block. */
    private void returnSlice(Body body, long start, long maxSize, int returnData, int returnSize) {
        GuestMemory memory = vm.memory();
        body.readSlice(start, maxSize, (array, offset, length) -> memory.returnBytes(array, offset, length, returnData, returnSize));
    }
}
