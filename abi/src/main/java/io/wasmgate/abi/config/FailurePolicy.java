package io.wasmgate.abi.config;

/** What happens to streams when a plugin's VM fails. */
public enum FailurePolicy {
    /** The failing stream, and new streams while no healthy VM is available, are answered 503. The default. */
    FAIL_CLOSED,
    /** The plugin is skipped for the failing stream; traffic bypasses it. */
    FAIL_OPEN,
    /** As fail-closed for the failing stream; the VM is replaced with a randomised backoff. */
    FAIL_RELOAD
}
