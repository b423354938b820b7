package dev.vswitch.switching;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MacTableTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long A = 0x02_00_00_00_00_01L;
    private static final long B = 0x02_00_00_00_00_02L;

    @Test
    void learnsLooksUpAndRefreshes() {
        MacTable table = new MacTable(10, 300 * SECOND);
        assertEquals(MacTable.NO_PORT, table.lookup(A, 0));
        assertEquals(MacTable.Learned.NEW, table.learn(A, 1, 0));
        assertEquals(MacTable.Learned.REFRESHED, table.learn(A, 1, SECOND));
        assertEquals(1, table.lookup(A, 2 * SECOND));
        assertEquals(1, table.size());
    }

    @Test
    void aMacSeenOnAnotherPortMoves() {
        MacTable table = new MacTable(10, 300 * SECOND);
        table.learn(A, 1, 0);
        assertEquals(MacTable.Learned.MOVED, table.learn(A, 2, SECOND));
        assertEquals(2, table.lookup(A, SECOND));
        assertEquals(1, table.size());
    }

    @Test
    void entriesAgeOutOnLookupAndOnSweep() {
        MacTable table = new MacTable(10, 300 * SECOND);
        table.learn(A, 1, 0);
        table.learn(B, 2, 200 * SECOND);
        assertEquals(1, table.lookup(A, 300 * SECOND), "exactly at the ageing time it is still there");
        assertEquals(MacTable.NO_PORT, table.lookup(A, 301 * SECOND));
        assertEquals(1, table.size());
        assertEquals(1, table.expire(501 * SECOND));
        assertEquals(0, table.size());
    }

    @Test
    void aFullTableLearnsNothingNewButKeepsWhatItHas() {
        MacTable table = new MacTable(2, 300 * SECOND);
        table.learn(A, 1, 0);
        table.learn(B, 1, 0);
        assertEquals(MacTable.Learned.TABLE_FULL, table.learn(0x02_00_00_00_00_03L, 2, 0));
        assertEquals(MacTable.Learned.MOVED, table.learn(A, 2, 0));
        assertEquals(2, table.size());
    }

    @Test
    void removingAPortForgetsOnlyItsMacs() {
        MacTable table = new MacTable(100, 300 * SECOND);
        for (int i = 0; i < 60; i++) {
            table.learn(0x02_00_00_00_10_00L + i, i % 3, 0);
        }
        assertEquals(20, table.removePort(1));
        assertEquals(40, table.size());
        for (int i = 0; i < 60; i++) {
            int expected = i % 3 == 1 ? MacTable.NO_PORT : i % 3;
            assertEquals(expected, table.lookup(0x02_00_00_00_10_00L + i, 0), "mac #" + i);
        }
    }

    @Test
    void perPortCountsFollowLearningMovesAndRemoval() {
        MacTable table = new MacTable(100, 2, 300 * SECOND, 0, 0);
        assertEquals(MacTable.Learned.NEW, table.learn(A, 1, 0));
        assertEquals(MacTable.Learned.NEW, table.learn(B, 1, 0));
        assertEquals(MacTable.Learned.PORT_FULL, table.learn(0x02_00_00_00_00_03L, 1, 0));
        assertEquals(MacTable.Learned.MOVED, table.learn(A, 2, 0));
        assertEquals(1, table.countOf(1));
        assertEquals(1, table.countOf(2));
        assertEquals(MacTable.Learned.NEW, table.learn(0x02_00_00_00_00_03L, 1, 0), "a move freed a place");
        table.removePort(1);
        assertEquals(0, table.countOf(1));
        table.expire(1000 * SECOND);
        assertEquals(0, table.countOf(2));
    }

    /** Random learn, expire and remove against a HashMap model: the probing and deletion stay consistent. */
    @Test
    void behavesLikeAMapUnderRandomOperations() {
        Random random = new Random(42);
        MacTable table = new MacTable(5_000, 10 * SECOND);
        Map<Long, long[]> model = new HashMap<>(); // mac -> {port, lastSeen}
        long now = 0;
        for (int step = 0; step < 200_000; step++) {
            long mac = 0x02_00_00_00_00_00L | random.nextInt(4_000);
            int op = random.nextInt(100);
            if (op < 60) {
                int port = random.nextInt(8);
                table.learn(mac, port, now);
                model.put(mac, new long[] {port, now});
            } else if (op < 97) {
                long[] expected = model.get(mac);
                int want = expected == null || now - expected[1] > 10 * SECOND ? MacTable.NO_PORT : (int) expected[0];
                assertEquals(want, table.lookup(mac, now), "step " + step);
                if (want == MacTable.NO_PORT) {
                    model.remove(mac);
                }
            } else if (op < 99) {
                long cutoff = now;
                table.expire(now);
                model.values().removeIf(entry -> cutoff - entry[1] > 10 * SECOND);
            } else {
                int port = random.nextInt(8);
                table.removePort(port);
                model.values().removeIf(entry -> entry[0] == port);
            }
            now += SECOND / 1_000;
            assertEquals(model.size(), table.size(), "size at step " + step);
        }
    }
}
