package io.wasmgate.abi.services;

import io.wasmgate.abi.vm.Callback;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What one VM instance has counted for its plugin's meters: calls and total nanoseconds per
 * {@link Callback}, and streams started. {@link PluginCounts} sums the instances when a meter is read.
 *
 * <p>Every call is counted. The first {@link #TIMED_ONE_IN} calls of each callback are timed, then one in
 * {@link #TIMED_ONE_IN}, whose time counts for the calls up to the next timed one: the total stays exact
 * for the first calls, never goes back (Prometheus sums must not), and is off by at most that many calls'
 * worth after. Two clock reads on every callback were about a third of the host's cost of a request.
 *
 * <p>Every method except the readers must be called under the instance's lock, so one thread writes at a
 * time: recording is a plain read and an opaque write, with no atomic read-modify-write and nothing
 * written that another instance writes too (a meter shared by the pool made two cores slower than one).
 * Opaque writes and reads let a scrape on another thread see whole, never older values.
 */
public final class InstanceCounts {
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(long[].class);
    /**
     * Longs left unused at either end (128 bytes: a cache line and the one the CPU prefetches with it),
     * so no other instance's figures share a cache line with these.
     */
    private static final int PAD = 16;
    /** Calls per timed call of one callback (a power of two). */
    public static final int TIMED_ONE_IN = 8;
    /** What a call that {@link #timesNext} did not pick took, for {@link #callback}. */
    public static final long NOT_TIMED = -1;
    /** Slot of the streams count; callback {@code c} has its count at {@code PAD + 2c} and its nanos next to it. */
    private static final int STREAMS = PAD + 2 * Callback.values().length;

    private final PluginCounts plugin;
    private final long[] slots = new long[STREAMS + 1 + PAD];
    private boolean retired;

    InstanceCounts(PluginCounts plugin) {
        this.plugin = plugin;
    }

    /** Whether the next call of {@code callback} is to be timed. */
    @SuppressWarnings("exports") // called by the VM only; Callback is internal to the module
    public boolean timesNext(Callback callback) {
        long count = slots[PAD + 2 * callback.ordinal()];
        return retired || count < TIMED_ONE_IN || (count & (TIMED_ONE_IN - 1)) == 0;
    }

    /** Counts one outermost call of {@code callback} that took {@code nanos}, or was {@link #NOT_TIMED}. */
    @SuppressWarnings("exports") // called by the VM only; Callback is internal to the module
    public void callback(Callback callback, long nanos) {
        int slot = PAD + 2 * callback.ordinal();
        long count = slots[slot];
        if (count == 0) {
            plugin.publish(callback); // once per instance and callback: the meter shows callbacks that ran
        }
        if (retired) {
            plugin.addRetired(callback, Math.max(nanos, 0));
            return;
        }
        SLOTS.setOpaque(slots, slot, count + 1);
        if (nanos != NOT_TIMED) {
            SLOTS.setOpaque(slots, slot + 1, slots[slot + 1] + (count < TIMED_ONE_IN ? nanos : nanos * TIMED_ONE_IN));
        }
    }

    /** Counts one stream started on the instance. */
    public void streamStarted() {
        if (retired) {
            plugin.addRetiredStream();
            return;
        }
        SLOTS.setOpaque(slots, STREAMS, slots[STREAMS] + 1);
    }

    /**
     * The instance is closed, or failed to start: its counts move into the plugin's totals, so the meters
     * never go back when it is dropped. A closed instance may still run a late callback (a stream that
     * outlived its plugin), which is then added to those totals directly.
     */
    public void retire() {
        if (!retired) {
            plugin.retire(this);
            retired = true;
        }
    }

    long count(Callback callback) {
        return (long) SLOTS.getOpaque(slots, PAD + 2 * callback.ordinal());
    }

    long nanos(Callback callback) {
        return (long) SLOTS.getOpaque(slots, PAD + 2 * callback.ordinal() + 1);
    }

    long streams() {
        return (long) SLOTS.getOpaque(slots, STREAMS);
    }
}
