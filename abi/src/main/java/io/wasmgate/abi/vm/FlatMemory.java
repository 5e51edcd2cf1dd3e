package io.wasmgate.abi.vm;

import com.dylibso.chicory.runtime.ConstantEvaluators;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.UninstantiableException;
import com.dylibso.chicory.wasm.types.ActiveDataSegment;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.PassiveDataSegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A guest's linear memory in one byte array of exactly the memory's size. Chicory's {@code ByteArrayMemory}
 * keeps memory as 64 KiB pages, so every load and store first finds its page (a mask, a range test, a
 * dependent load with its own bounds and null checks); here the array's own range check is the memory's
 * bounds check, and an access is that check and the read. SDK-built guests spend a third of their time in
 * loads and stores: with this memory the Rust and C++ SDK examples run 1.5x faster, the Go one 1.3x
 * (docs/performance.md). An access out of bounds traps with Chicory's message.
 *
 * <p>The price is on {@code memory.grow}, which moves the contents to a new array of the new size. SDK
 * guests grow rarely and in steps (the Rust and Go examples twice or less over their life, the Go runtime
 * by megabytes); a guest that grows a page at a time pays a copy of its memory each time, bounded by
 * {@code limits.memory}. Only for memories that are not shared (one thread at a time, under the VM's lock)
 * and whose maximum fits in a Java array ({@link #fits}); {@link WasmInstance} gives the others Chicory's.
 */
@SuppressWarnings("removal") // the wait/notify/lock methods Chicory deprecated are still abstract in 1.7.5
final class FlatMemory implements Memory {
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle FLOAT = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle DOUBLE = MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);

    private final MemoryLimits limits;
    /** Exactly the memory's size: the array's own range check is the memory's bounds check. */
    private byte[] bytes;
    private DataSegment[] segments;

    FlatMemory(MemoryLimits limits) {
        if (!fits(limits)) {
            throw new IllegalArgumentException("not a flat memory: " + limits);
        }
        this.limits = limits;
        this.bytes = new byte[limits.initialPages() * PAGE_SIZE];
    }

    /** Whether a memory of these limits can be a {@code FlatMemory}: not shared, maximum within one array. */
    static boolean fits(MemoryLimits limits) {
        return !limits.shared() && limits.maximumPages() <= RUNTIME_MAX_PAGES;
    }

    @Override
    public int readInt(int addr) {
        try {
            return (int) INT.get(bytes, addr);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(addr, 4);
        }
    }

    @Override
    public void writeI32(int addr, int data) {
        try {
            INT.set(bytes, addr, data);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(addr, 4);
        }
    }

    @Override
    public long readLong(int addr) {
        try {
            return (long) LONG.get(bytes, addr);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(addr, 8);
        }
    }

    @Override
    public void writeLong(int addr, long data) {
        try {
            LONG.set(bytes, addr, data);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(addr, 8);
        }
    }

    @Override
    public short readShort(int addr) {
        try {
            return (short) SHORT.get(bytes, addr);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(addr, 2);
        }
    }

    @Override
    public void writeShort(int addr, short data) {
        try {
            SHORT.set(bytes, addr, data);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(addr, 2);
        }
    }

    @Override
    public long readU16(int addr) {
        return readShort(addr) & 0xFFFFL;
    }

    @Override
    public byte read(int addr) {
        try {
            return bytes[addr];
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(addr, 1);
        }
    }

    @Override
    public void writeByte(int addr, byte data) {
        try {
            bytes[addr] = data;
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(addr, 1);
        }
    }

    @Override
    public float readFloat(int addr) {
        try {
            return (float) FLOAT.get(bytes, addr);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(addr, 4);
        }
    }

    @Override
    public long readF32(int addr) {
        return readInt(addr);
    }

    @Override
    public void writeF32(int addr, float data) {
        try {
            FLOAT.set(bytes, addr, data);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(addr, 4);
        }
    }

    @Override
    public double readDouble(int addr) {
        try {
            return (double) DOUBLE.get(bytes, addr);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(addr, 8);
        }
    }

    @Override
    public long readF64(int addr) {
        return readLong(addr);
    }

    @Override
    public void writeF64(int addr, double data) {
        try {
            DOUBLE.set(bytes, addr, data);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(addr, 8);
        }
    }

    @Override
    public byte[] readBytes(int addr, int len) {
        checkRange(addr, len, bytes.length);
        return Arrays.copyOfRange(bytes, addr, addr + len);
    }

    @Override
    public void write(int addr, byte[] data, int offset, int len) {
        checkRange(offset, len, data.length);
        checkRange(addr, len, bytes.length);
        System.arraycopy(data, offset, bytes, addr, len);
    }

    @Override
    public void fill(byte value, int fromIndex, int toIndex) {
        checkRange(fromIndex, toIndex - fromIndex, bytes.length);
        Arrays.fill(bytes, fromIndex, toIndex, value);
    }

    /** {@code memory.copy}: {@code System.arraycopy} copies overlapping ranges as if through a temporary. */
    @Override
    public void copy(int dest, int src, int len) {
        checkRange(dest, len, bytes.length);
        checkRange(src, len, bytes.length);
        System.arraycopy(bytes, src, bytes, dest, len);
    }

    @Override
    public void zero() {
        Arrays.fill(bytes, (byte) 0);
    }

    @Override
    public int pages() {
        return bytes.length / PAGE_SIZE;
    }

    /**
     * {@code memory.grow}: the previous size in pages, or -1 past the maximum or when the JVM cannot give
     * the memory (Wasm lets a grow fail; the guest sees that instead of the thread dying). The contents move
     * to a new array of the new size.
     */
    @Override
    public int grow(int delta) {
        int previous = pages();
        if (delta < 0 || delta > maximumPages() - previous) {
            return -1;
        }
        if (delta == 0) {
            return previous;
        }
        try {
            bytes = Arrays.copyOf(bytes, (previous + delta) * PAGE_SIZE);
        } catch (OutOfMemoryError e) {
            return -1;
        }
        return previous;
    }

    @Override
    public int initialPages() {
        return limits.initialPages();
    }

    @Override
    public int maximumPages() {
        return limits.maximumPages();
    }

    @Override
    public boolean shared() {
        return false;
    }

    @Override
    public void initialize(Instance instance, DataSegment[] dataSegments) {
        initialize(instance, dataSegments, 0);
    }

    @Override
    public void initialize(Instance instance, DataSegment[] dataSegments, int memoryIndex) {
        this.segments = dataSegments;
        if (dataSegments == null) {
            return;
        }
        for (DataSegment segment : dataSegments) {
            if (segment instanceof ActiveDataSegment active && active.index() == memoryIndex) {
                int offset = (int) ConstantEvaluators.computeConstantValue(instance, active.offsetInstructions())[0];
                byte[] data = active.data();
                if (!inRange(offset, data.length, bytes.length)) {
                    throw new UninstantiableException(outOfBoundsMessage(offset, data.length));
                }
                System.arraycopy(data, 0, bytes, offset, data.length);
            }
        }
    }

    @Override
    public void initPassiveSegment(int segmentId, int dest, int offset, int len) {
        write(dest, segments[segmentId].data(), offset, len);
    }

    @Override
    public void drop(int segment) {
        segments[segment] = PassiveDataSegment.EMPTY;
    }

    /** The default atomics synchronize on this; a memory that is not shared has one thread at a time. */
    @Override
    public Object lock(int address) {
        return this;
    }

    /** {@code memory.atomic.wait} on a memory that is not shared traps. */
    @Override
    public int waitOn(int address, int expected, long timeout) {
        throw new WasmRuntimeException("atomic wait on a memory that is not shared");
    }

    @Override
    public int waitOn(int address, long expected, long timeout) {
        throw new WasmRuntimeException("atomic wait on a memory that is not shared");
    }

    /** Nothing can wait on a memory that is not shared: no one to wake. */
    @Override
    public int notify(int address, int maxThreads) {
        return 0;
    }

    private static boolean inRange(int addr, int len, int limit) {
        return addr >= 0 && len >= 0 && (long) addr + len <= limit;
    }

    private void checkRange(int addr, int len, int limit) {
        if (!inRange(addr, len, limit)) {
            throw outOfBounds(addr, len);
        }
    }

    private WasmRuntimeException outOfBounds(int addr, int len) {
        return new WasmRuntimeException(outOfBoundsMessage(addr, len));
    }

    /** Chicory's wording, so a trap reads the same whichever memory the instance has. */
    private String outOfBoundsMessage(int addr, int len) {
        return "out of bounds memory access: attempted to access address: " + addr + " but limit is: " + bytes.length
                + " and size: " + len;
    }
}
