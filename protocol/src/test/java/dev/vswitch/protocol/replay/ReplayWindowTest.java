package dev.vswitch.protocol.replay;

import dev.vswitch.protocol.replay.ReplayWindow.Verdict;
import org.junit.jupiter.api.Test;

import java.util.BitSet;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplayWindowTest {

    @Test
    void acceptsEachCounterOnceInAnyOrderWithinTheWindow() {
        ReplayWindow window = new ReplayWindow();
        assertEquals(Verdict.ACCEPTED, window.accept(5));
        assertEquals(Verdict.ACCEPTED, window.accept(3));
        assertEquals(Verdict.ACCEPTED, window.accept(0));
        assertEquals(Verdict.REPLAYED, window.accept(3));
        assertEquals(Verdict.REPLAYED, window.accept(5));
        assertFalse(window.mayAccept(0));
        assertTrue(window.mayAccept(4));
    }

    @Test
    void refusesCountersThatFellBehindTheWindow() {
        ReplayWindow window = new ReplayWindow();
        window.accept(10_000);
        assertEquals(Verdict.ACCEPTED, window.accept(10_000 - ReplayWindow.WINDOW_SIZE + 1));
        assertEquals(Verdict.TOO_OLD, window.accept(10_000 - ReplayWindow.WINDOW_SIZE));
        assertFalse(window.mayAccept(1));
        assertEquals(Verdict.TOO_OLD, window.accept(-1));
    }

    @Test
    void aLargeJumpForgetsEverything() {
        ReplayWindow window = new ReplayWindow();
        for (int i = 0; i < 3000; i++) {
            window.accept(i);
        }
        window.accept(1_000_000);
        assertEquals(Verdict.ACCEPTED, window.accept(1_000_000 - 64), "stale bits were cleared by the slide");
        assertEquals(Verdict.REPLAYED, window.accept(1_000_000));
    }

    /** Against a model that remembers every counter: the window never accepts twice and never loses a fresh one. */
    @Test
    void matchesAPerfectMemoryModelOnReorderedTraffic() {
        Random random = new Random(1);
        ReplayWindow window = new ReplayWindow();
        BitSet seen = new BitSet();
        long newest = -1;
        for (int step = 0; step < 200_000; step++) {
            long counter = Math.max(0, newest + 1 - random.nextInt(2500) + random.nextInt(40));
            Verdict verdict = window.accept(counter);
            boolean tooOld = newest - counter >= ReplayWindow.WINDOW_SIZE;
            Verdict expected = tooOld ? Verdict.TOO_OLD : seen.get((int) counter) ? Verdict.REPLAYED : Verdict.ACCEPTED;
            assertEquals(expected, verdict, "counter " + counter + " newest " + newest);
            if (verdict == Verdict.ACCEPTED) {
                seen.set((int) counter);
                newest = Math.max(newest, counter);
            }
        }
    }
}
