package dev.vswitch.server.cluster;

import java.util.Locale;

/**
 * Whether the path to one replica carries the trunk's largest datagrams whole: a tagged frame of the largest size
 * plus 32 bytes is more than many paths between replicas carry without IP fragments (a pod network of MTU 1450; IPv6;
 * a long network name), and fragments are dropped on many paths. Until the path is proven, a frame whose plaintext is
 * over {@link TrunkPieces#SAFE_PLAINTEXT} goes in pieces; once proven, whole.
 *
 * <ol>
 *   <li>Each second, while the trunk is up, a probe goes: a data message as large as the largest the mesh sends
 *       ({@link TrunkFrames#PROBE}, zero-padded). The other replica echoes it at the same length.</li>
 *   <li>An echo proves the path both ways: frames go whole.</li>
 *   <li>A probe still unanswered at the next second's tick ends the proof: frames go in pieces again, so a path that
 *       stops carrying large datagrams is left within 2 s. The mesh logs it, the first time as a warning, and counts
 *       it.</li>
 * </ol>
 *
 * <p>A probe is under 2 KB, so probing every second costs a trunk nothing worth a back-off. Only on the event loop.
 */
public final class TrunkPath {

    /** What is known of the path, for the cluster API. */
    public enum Verdict {
        /** No probe answered yet (or since the trunk came up). */
        UNPROVEN,
        /** The last probe was answered: every frame goes whole. */
        PROVEN,
        /** Probes stopped being answered: large frames go in pieces. */
        FELL_BACK;

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    /** A probe unanswered this long did not cross; less than the tick, so the next tick decides. */
    static final long ANSWER_TIMEOUT_NANOS = 900_000_000L;

    private boolean proven;
    private boolean fellBack;
    private boolean outstanding;
    private long probeSentAt;

    /** Whether a tagged frame whose plaintext is {@code length} bytes goes whole. */
    public boolean carriesWhole(int length) {
        return proven || length <= TrunkPieces.SAFE_PLAINTEXT;
    }

    /**
     * At a tick of the up trunk: ends the proof when the last probe went unanswered, and says whether a probe should go
     * now (none is awaited). Returns {@link Tick#FELL_BACK} when the proof ended now.
     */
    Tick tick(long nowNanos) {
        if (outstanding && nowNanos - probeSentAt < ANSWER_TIMEOUT_NANOS) {
            return Tick.WAIT;
        }
        boolean ended = outstanding && proven;
        outstanding = false;
        if (ended) {
            proven = false;
            fellBack = true;
            return Tick.FELL_BACK;
        }
        return Tick.PROBE;
    }

    /** What a tick asks of the mesh. */
    enum Tick {
        /** A probe is awaited still. */
        WAIT,
        /** Send a probe. */
        PROBE,
        /** The proof ended: large frames go in pieces from now on; send a probe too. */
        FELL_BACK
    }

    void probeSent(long nowNanos) {
        outstanding = true;
        probeSentAt = nowNanos;
    }

    /** An echo of the awaited probe came; returns true when it proves the path anew (it was not proven). */
    boolean answered() {
        if (!outstanding) {
            return false; // an echo of a probe given up on: the next one decides
        }
        outstanding = false;
        boolean anew = !proven;
        proven = true;
        return anew;
    }

    /** Whether it was proven before, for the log line when it is proven again. */
    boolean hasFallenBack() {
        return fellBack;
    }

    /** The trunk went down: a new one proves its path anew. */
    void reset() {
        proven = false;
        outstanding = false;
        fellBack = false;
    }

    public Verdict verdict() {
        return proven ? Verdict.PROVEN : fellBack ? Verdict.FELL_BACK : Verdict.UNPROVEN;
    }
}
