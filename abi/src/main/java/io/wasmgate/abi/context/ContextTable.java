package io.wasmgate.abi.context;

import java.util.ArrayList;
import java.util.List;

/**
 * A VM's live contexts by id: open addressing over positive {@code int} ids, with linear probing and
 * deletion by shifting back. Every stream registers, is looked up for its id's freshness and unregisters
 * once; a {@code HashMap<Integer, ...>} boxed the id three times per stream for that. Used under the VM's
 * lock, so not thread-safe.
 */
final class ContextTable {
    private static final int INITIAL_CAPACITY = 16;
    private static final int GOLDEN = 0x9E3779B9;

    /** Ids, {@code 0} where a slot is free; the capacity is a power of two, at most half full. */
    private int[] ids = new int[INITIAL_CAPACITY];
    private ContextBase[] contexts = new ContextBase[INITIAL_CAPACITY];
    /** {@code 32 - log2(capacity)}: a slot is the top bits of the id's Fibonacci hash. */
    private int shift = Integer.numberOfLeadingZeros(INITIAL_CAPACITY) + 1;
    private int size;

    int size() {
        return size;
    }

    boolean contains(int id) {
        return get(id) != null;
    }

    /** The live context with {@code id}, or {@code null}. */
    ContextBase get(int id) {
        if (id <= 0) {
            return null;
        }
        int mask = ids.length - 1;
        for (int slot = slot(id); ids[slot] != 0; slot = (slot + 1) & mask) {
            if (ids[slot] == id) {
                return contexts[slot];
            }
        }
        return null;
    }

    /** Adds {@code context} under its id, replacing one registered with the same id. */
    void put(ContextBase context) {
        int id = context.id();
        if (id <= 0) {
            throw new IllegalArgumentException("context ids are positive, not " + id);
        }
        if (2 * (size + 1) > ids.length) {
            grow();
        }
        int mask = ids.length - 1;
        int slot = slot(id);
        while (ids[slot] != 0 && ids[slot] != id) {
            slot = (slot + 1) & mask;
        }
        if (ids[slot] == 0) {
            size++;
        }
        ids[slot] = id;
        contexts[slot] = context;
    }

    /** Removes the context with {@code id}, if there is one. */
    void remove(int id) {
        if (id <= 0) {
            return;
        }
        int mask = ids.length - 1;
        int slot = slot(id);
        while (ids[slot] != id) {
            if (ids[slot] == 0) {
                return;
            }
            slot = (slot + 1) & mask;
        }
        size--;
        // Shift later entries of the probe run back into the hole, so that every lookup still finds them.
        int hole = slot;
        for (int next = (hole + 1) & mask; ids[next] != 0; next = (next + 1) & mask) {
            int home = slot(ids[next]);
            if (((next - home) & mask) >= ((next - hole) & mask)) {
                ids[hole] = ids[next];
                contexts[hole] = contexts[next];
                hole = next;
            }
        }
        ids[hole] = 0;
        contexts[hole] = null;
    }

    /** The live contexts, a copy: callers may change the table while going through it. */
    List<ContextBase> snapshot() {
        List<ContextBase> live = new ArrayList<>(size);
        for (ContextBase context : contexts) {
            if (context != null) {
                live.add(context);
            }
        }
        return live;
    }

    private void grow() {
        int[] oldIds = ids;
        ContextBase[] oldContexts = contexts;
        ids = new int[oldIds.length * 2];
        contexts = new ContextBase[oldIds.length * 2];
        shift--;
        size = 0;
        for (int i = 0; i < oldIds.length; i++) {
            if (oldIds[i] != 0) {
                put(oldContexts[i]);
            }
        }
    }

    /** Fibonacci hashing: ids come in sequence, and consecutive ones land far apart. */
    private int slot(int id) {
        return (id * GOLDEN) >>> shift;
    }
}
