package io.wasmgate.abi.context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ContextTableTest {

    @Test
    void findsWhatWasPutAndForgetsWhatWasRemoved() {
        ContextTable table = new ContextTable();
        ContextBase one = context(1);
        ContextBase two = context(2);
        table.put(one);
        table.put(two);

        assertSame(one, table.get(1));
        assertSame(two, table.get(2));
        assertTrue(table.contains(2));
        assertFalse(table.contains(3));
        assertEquals(2, table.size());

        table.remove(1);
        assertNull(table.get(1));
        assertSame(two, table.get(2));
        assertEquals(1, table.size());
    }

    @Test
    void idsThatAreNotPositiveAreNeverFoundAndCannotBeRegistered() {
        ContextTable table = new ContextTable();
        assertNull(table.get(0));
        assertNull(table.get(-7));
        table.remove(0);
        assertThrows(IllegalArgumentException.class, () -> table.put(context(0)));
        assertThrows(IllegalArgumentException.class, () -> table.put(context(Integer.MIN_VALUE)));
    }

    @Test
    void aSecondContextWithTheSameIdReplacesTheFirst() {
        ContextTable table = new ContextTable();
        table.put(context(9));
        ContextBase replacement = context(9);
        table.put(replacement);
        assertSame(replacement, table.get(9));
        assertEquals(1, table.size());
    }

    /**
     * A VM's life in fast motion: ids in sequence, wrapping past {@code Integer.MAX_VALUE}, streams ending
     * out of order, bursts that make the table grow, compared step by step with a {@code HashMap}.
     */
    @Test
    void behavesAsAMapOverRandomRegistrationsAndRemovals() {
        Random random = new Random(20261207);
        ContextTable table = new ContextTable();
        Map<Integer, ContextBase> expected = new HashMap<>();
        List<Integer> live = new ArrayList<>();
        int nextId = Integer.MAX_VALUE - 5_000;
        for (int step = 0; step < 200_000; step++) {
            boolean burst = (step / 10_000) % 3 == 1;
            if (expected.isEmpty() || random.nextInt(100) < (burst ? 70 : 50)) {
                int id = nextId;
                nextId = nextId == Integer.MAX_VALUE ? 1 : nextId + 1;
                ContextBase context = context(id);
                table.put(context);
                expected.put(id, context);
                live.add(id);
            } else {
                int at = random.nextInt(live.size());
                int id = live.get(at);
                live.set(at, live.get(live.size() - 1));
                live.remove(live.size() - 1);
                table.remove(id);
                expected.remove(id);
            }
            int probe = random.nextBoolean() ? nextId - 1 - random.nextInt(64) : random.nextInt();
            assertSame(expected.get(probe), probe > 0 ? table.get(probe) : null, "id " + probe + " at step " + step);
            assertEquals(expected.size(), table.size());
        }
        for (Map.Entry<Integer, ContextBase> entry : expected.entrySet()) {
            assertSame(entry.getValue(), table.get(entry.getKey()));
        }
        assertEquals(new HashSet<>(expected.values()), new HashSet<>(table.snapshot()));
    }

    @Test
    void theSnapshotIsACopyThatSurvivesRemovals() {
        ContextTable table = new ContextTable();
        for (int id = 1; id <= 40; id++) {
            table.put(context(id));
        }
        List<ContextBase> snapshot = table.snapshot();
        for (ContextBase context : snapshot) {
            table.remove(context.id());
        }
        assertEquals(40, snapshot.size());
        assertEquals(0, table.size());
        assertTrue(table.snapshot().isEmpty());
    }

    /** A stream context that is only an id: the table looks at nothing else. */
    private static ContextBase context(int id) {
        return new HttpContext(null, id, null);
    }
}
