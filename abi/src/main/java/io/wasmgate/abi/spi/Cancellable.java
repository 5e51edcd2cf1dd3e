package io.wasmgate.abi.spi;

/** A callout in flight that the host may abandon, e.g. because the stream that started it ended. */
@FunctionalInterface
public interface Cancellable {
    /** Abandons the callout; its listener may or may not still be called, and the host ignores it. */
    void cancel();
}
