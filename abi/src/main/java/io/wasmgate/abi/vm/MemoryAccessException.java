package io.wasmgate.abi.vm;

/**
 * A guest pointer or length fell outside linear memory, or the guest allocator failed. Thrown by
 * {@link GuestMemory} and turned into {@code INVALID_MEMORY_ACCESS} by the hostcall wrapper; it never
 * leaves a hostcall, so it carries no stack trace.
 */
public final class MemoryAccessException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MemoryAccessException(String message) {
        super(message, null, false, false);
    }
}
