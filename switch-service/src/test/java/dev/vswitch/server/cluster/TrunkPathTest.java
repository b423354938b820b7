package dev.vswitch.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The proof of a trunk's path, on an injected clock ticking once a second as the mesh's does: large frames go whole only
 * after an echo, a path that stops echoing is left within 2 s of the break, and an echo brings it back.
 */
class TrunkPathTest {

    private static final long SECOND = 1_000_000_000L;
    private static final int LARGE = TrunkPieces.SAFE_PLAINTEXT + 1;
    private final TrunkPath path = new TrunkPath();
    private long now = 5 * SECOND;

    @Test
    void largeFramesGoInPiecesUntilAProbeIsEchoed() {
        assertEquals(TrunkPath.Verdict.UNPROVEN, path.verdict());
        assertTrue(path.carriesWhole(TrunkPieces.SAFE_PLAINTEXT), "what crosses any path goes whole always");
        assertFalse(path.carriesWhole(LARGE));
        probe();
        assertFalse(path.carriesWhole(LARGE), "a probe in flight proves nothing");
        assertTrue(path.answered(), "the first echo proves the path");
        assertTrue(path.carriesWhole(LARGE));
        assertEquals(TrunkPath.Verdict.PROVEN, path.verdict());
    }

    @Test
    void anUnprovenPathIsProbedEverySecondWithoutFallingBack() {
        for (int i = 0; i < 5; i++) {
            assertEquals(TrunkPath.Tick.PROBE, tick(), "an unanswered probe of an unproven path is no fallback");
            path.probeSent(now);
        }
        assertEquals(TrunkPath.Verdict.UNPROVEN, path.verdict());
    }

    @Test
    void aPathThatStopsEchoingIsLeftWithinTwoSecondsOfTheBreak() {
        probe();
        path.answered();
        long broke = now + 1; // just after this tick's probe was echoed
        assertEquals(TrunkPath.Tick.PROBE, tick());
        path.probeSent(now);
        assertEquals(TrunkPath.Tick.FELL_BACK, tick());
        assertTrue(now - broke <= 2 * SECOND, (now - broke) + " ns");
        assertFalse(path.carriesWhole(LARGE));
        assertEquals(TrunkPath.Verdict.FELL_BACK, path.verdict());
        assertTrue(path.hasFallenBack());
        path.probeSent(now);
        assertTrue(path.answered(), "an echo after a fallback proves the path again");
        assertTrue(path.carriesWhole(LARGE));
    }

    @Test
    void aTickSoonerThanTheAnswerTimeoutWaitsAndALateEchoProvesNothing() {
        probe();
        assertEquals(TrunkPath.Tick.WAIT, path.tick(now + TrunkPath.ANSWER_TIMEOUT_NANOS - 1));
        assertEquals(TrunkPath.Tick.PROBE, path.tick(now + TrunkPath.ANSWER_TIMEOUT_NANOS));
        assertFalse(path.answered(), "the echo of a probe given up on");
        assertEquals(TrunkPath.Verdict.UNPROVEN, path.verdict());
    }

    @Test
    void aTrunkThatWentDownProvesItsPathAnew() {
        probe();
        path.answered();
        path.reset();
        assertEquals(TrunkPath.Verdict.UNPROVEN, path.verdict());
        assertFalse(path.carriesWhole(LARGE));
    }

    private void probe() {
        assertEquals(TrunkPath.Tick.PROBE, tick());
        path.probeSent(now);
    }

    /** The mesh's next tick, a second after the last. */
    private TrunkPath.Tick tick() {
        now += SECOND;
        return path.tick(now);
    }
}
