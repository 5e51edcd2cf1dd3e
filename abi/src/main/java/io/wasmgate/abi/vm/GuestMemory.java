package io.wasmgate.abi.vm;

import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.Memory;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Bounds-checked access to one instance's linear memory. Every pointer and length from the guest is
 * treated as unsigned 32-bit and checked against the memory's current size; a bad one raises
 * {@link MemoryAccessException}, which hostcalls report as {@code INVALID_MEMORY_ACCESS}.
 */
public final class GuestMemory {
    private final Memory memory;
    private final ExportFunction allocator;

    GuestMemory(Memory memory, ExportFunction allocator) {
        this.memory = memory;
        this.allocator = allocator;
    }

    /** The memory's current size in bytes (whole 64 KiB pages). */
    public long sizeBytes() {
        return (long) memory.pages() * Memory.PAGE_SIZE;
    }

    /** Checks that {@code [ptr, ptr + len)} lies inside memory. */
    public void check(int ptr, int len) {
        long start = Integer.toUnsignedLong(ptr);
        long end = start + Integer.toUnsignedLong(len);
        if (end > (long) memory.pages() * Memory.PAGE_SIZE) {
            throw new MemoryAccessException("guest range [" + start + ", " + end + ") is outside linear memory");
        }
    }

    /** Copies {@code len} bytes at {@code ptr} into a fresh array the caller owns, never a view of guest memory. */
    public byte[] read(int ptr, int len) {
        check(ptr, len);
        return len == 0 ? new byte[0] : memory.readBytes(ptr, len);
    }

    /** Reads {@code len} bytes at {@code ptr} as UTF-8. */
    public String readUtf8(int ptr, int len) {
        return new String(read(ptr, len), StandardCharsets.UTF_8);
    }

    /** Writes {@code data} at {@code ptr}. */
    public void write(int ptr, byte[] data) {
        check(ptr, data.length);
        memory.write(ptr, data);
    }

    /** Writes a little-endian u32 at {@code ptr}. */
    public void writeU32(int ptr, int value) {
        check(ptr, 4);
        memory.writeI32(ptr, value);
    }

    /** Writes a little-endian u64 at {@code ptr}. */
    public void writeU64(int ptr, long value) {
        check(ptr, 8);
        memory.writeLong(ptr, value);
    }

    /** Reads a little-endian u32 at {@code ptr}. */
    public int readU32(int ptr) {
        check(ptr, 4);
        return memory.readInt(ptr);
    }

    /**
     * Hands {@code data} to the guest as cpp-host does: an empty result writes {@code (0, 0)} without
     * calling the allocator; otherwise the guest allocator provides the block, which the guest then owns.
     * Both return slots are checked before allocating, so a bad slot never leaks guest memory.
     */
    public void returnBytes(byte[] data, int retPtrPtr, int retSizePtr) {
        returnBytes(data, 0, data.length, retPtrPtr, retSizePtr);
    }

    /**
     * {@link #returnBytes(byte[], int, int)} for {@code data[offset, offset + length)}, written straight
     * from {@code data}: a host buffer reaches the guest with one copy, and nothing outside that range does.
     */
    public void returnBytes(byte[] data, int offset, int length, int retPtrPtr, int retSizePtr) {
        Objects.checkFromIndexSize(offset, length, data.length);
        check(retPtrPtr, 4);
        check(retSizePtr, 4);
        int ptr = length == 0 ? 0 : allocate(length);
        if (length > 0) {
            memory.write(ptr, data, offset, length);
        }
        memory.writeI32(retPtrPtr, ptr);
        memory.writeI32(retSizePtr, length);
    }

    /** Calls the guest allocator; a zero or out-of-range block is an {@link MemoryAccessException}. */
    public int allocate(int size) {
        int ptr = (int) allocator.apply(size)[0];
        if (ptr == 0) {
            throw new MemoryAccessException("the guest allocator returned 0 for " + size + " bytes");
        }
        check(ptr, size);
        return ptr;
    }

    /** Current size in bytes. */
    public long size() {
        return (long) memory.pages() * Memory.PAGE_SIZE;
    }
}
