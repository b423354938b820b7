package dev.vswitch.vport.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vswitch.vport.link.PathProof.Verdict;
import org.junit.jupiter.api.Test;

/** The decisions of {@code --offload=auto}, on a clock the test moves in 100 ms ticks as the link's monitor does. */
class PathProofTest {

    private static final long MS = 1_000_000L;
    private static final long TICK = 100 * MS;

    private long now = 5_000 * MS;
    private long frames;
    private final PathProof proof = new PathProof(PathProof.Mode.AUTO, "198.18.1.1:9999", now);

    @Test
    void nothingLargeGoesUntilTheSwitchEchoesAProbe() {
        assertFalse(proof.usable());
        assertEquals(Verdict.UNPROVEN, proof.reading().verdict());
        assertTrue(proof.probeDue(now, frames), "the first probe goes at once");
        proof.probeSent(now);
        assertFalse(proof.probeDue(now + TICK, frames), "one probe at a time");
        assertFalse(proof.usable());
        proof.answered();
        assertTrue(proof.usable());
        assertTrue(proof.offerChanged(), "the switch is to be told at once");
        assertTrue(proof.offer());
        assertFalse(proof.offerChanged());
        assertEquals(new PathProof.Reading(PathProof.Mode.AUTO, Verdict.PROVEN, 0, 1, 1), proof.reading());
    }

    @Test
    void aPathThatDropsProbesIsAskedAgainLessAndLessOften() {
        long start = now;
        long firstRetry = -1;
        long lastSent = -1;
        int sent = 0;
        for (; now - start < 200_000 * MS; now += TICK) { // 200 s of ticks
            if (proof.probeDue(now, frames)) {
                if (sent == 1) {
                    firstRetry = now - lastSent;
                }
                lastSent = now;
                proof.probeSent(now);
                sent++;
            }
        }
        assertFalse(proof.usable());
        assertEquals(Verdict.UNPROVEN, proof.reading().verdict());
        assertEquals(2_500 * MS, firstRetry, "the first retry 1 s after the probe went unanswered for 1.5 s");
        // at 0, 2.5, 6, 11.5, 21, 38.5, 72 s, then 60 s after each timeout: 133.5, 195 s
        assertEquals(9, sent, "the wait doubles up to a minute");
    }

    @Test
    void aProvenPathThatStopsCarryingLargeDatagramsIsLeftWithinTwoSeconds() {
        prove();
        long broke = now; // the path breaks just after an answered probe
        boolean fellBack = false;
        for (; now - broke <= 5_000 * MS && !fellBack; now += TICK) {
            proof.used(); // a bulk transfer keeps sending large datagrams, which are lost from now on
            frames += 40;
            if (proof.probeDue(now, frames)) {
                proof.probeSent(now);
            }
            fellBack = !proof.usable();
        }
        assertTrue(fellBack);
        assertTrue(now - broke <= 2_000 * MS, "fell back " + (now - broke) / MS + " ms after the path broke");
        assertTrue(proof.offerChanged(), "a keepalive tells the switch at once");
        assertFalse(proof.offer());
        assertEquals(Verdict.FELL_BACK, proof.reading().verdict());
        assertEquals(1, proof.reading().fallbacks());
    }

    @Test
    void whileOnlySmallFramesMoveAProbeGoesEveryTwoSecondsAndNoneWhenIdle() {
        prove();
        int probes = 0;
        for (long start = now; now - start < 10_000 * MS; now += TICK) {
            frames += 3; // an interactive session
            if (proof.probeDue(now, frames)) {
                proof.probeSent(now);
                proof.answered();
                probes++;
            }
        }
        assertEquals(5, probes);
        for (long start = now; now - start < 60_000 * MS; now += TICK) { // idle: no frames
            assertFalse(proof.probeDue(now, frames), "a probe on an idle link at +" + (now - start) / MS + " ms");
        }
    }

    @Test
    void afterFallbacksTheLinkWaitsLongerEachTimeBeforeTrustingThePathAgain() {
        prove();
        long[] waits = new long[3];
        for (int i = 0; i < waits.length; i++) {
            loseProbesUntilFallback();
            long fellBackAt = now;
            while (!proof.probeDue(now, frames)) {
                now += TICK;
            }
            waits[i] = now - fellBackAt;
            proof.probeSent(now);
            proof.answered(); // a lossy path: the next probe crosses
            assertTrue(proof.usable());
        }
        assertEquals(1_000 * MS, waits[0]);
        assertEquals(2_000 * MS, waits[1]);
        assertEquals(4_000 * MS, waits[2]);
        assertEquals(3, proof.reading().fallbacks());
        proof.restart(now);
        assertEquals(Verdict.UNPROVEN, proof.reading().verdict(), "another switch is proven anew");
        assertTrue(proof.probeDue(now, frames), "at once");
    }

    @Test
    void onTrustsThePathWithoutProbes() {
        PathProof on = new PathProof(PathProof.Mode.ON, "switch", now);
        assertTrue(on.usable());
        assertFalse(on.probeDue(now, frames));
        assertFalse(on.offerChanged());
        assertEquals(Verdict.TRUSTED, on.reading().verdict());
    }

    private void prove() {
        assertTrue(proof.probeDue(now, frames));
        proof.probeSent(now);
        proof.answered();
        proof.offer();
        now += TICK;
    }

    private void loseProbesUntilFallback() {
        while (proof.usable()) {
            proof.used();
            frames += 40;
            if (proof.probeDue(now, frames)) {
                proof.probeSent(now);
            }
            now += TICK;
        }
        now -= TICK;
    }
}
