package dev.vswitch.server.cluster;

import dev.vswitch.switching.EnumCounter;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The mesh's handshakes, its links by state, and how its paths carry large frames. Written on the switch's event loop,
 * read from any thread.
 */
public final class ClusterCounters {

    private final EnumCounter<TrunkHandshake> handshakes = new EnumCounter<>(TrunkHandshake.class);
    private final AtomicIntegerArray links = new AtomicIntegerArray(LinkState.values().length);
    private final AtomicLong pathFallbacks = new AtomicLong();
    private final AtomicLong framesCut = new AtomicLong();
    private final AtomicLong framesJoined = new AtomicLong();
    private final AtomicLong framesAbandoned = new AtomicLong();

    void handshake(TrunkHandshake result) {
        handshakes.increment(result);
    }

    void pathFallback() {
        pathFallbacks.incrementAndGet();
    }

    void frameCut() {
        framesCut.incrementAndGet();
    }

    void frameJoined() {
        framesJoined.incrementAndGet();
    }

    void frameAbandoned() {
        framesAbandoned.incrementAndGet();
    }

    /** Trunk paths that stopped carrying the largest datagrams whole, since start. */
    public long pathFallbacks() {
        return pathFallbacks.get();
    }

    /** Frames sent to other replicas in pieces, because their path was not proven to carry them whole. */
    public long framesCut() {
        return framesCut.get();
    }

    /** Frames received from other replicas in pieces and joined. */
    public long framesJoined() {
        return framesJoined.get();
    }

    /** Frames received in pieces of which a piece never came (lost on the way, or overtaken by the next frame). */
    public long framesAbandoned() {
        return framesAbandoned.get();
    }

    /** Publishes how many links are in each state; the event loop calls it once a second. */
    void snapshot(int[] byState) {
        for (LinkState state : LinkState.values()) {
            links.set(state.ordinal(), byState[state.ordinal()]);
        }
    }

    public long handshakes(TrunkHandshake result) {
        return handshakes.get(result);
    }

    /** Links in {@code state} as of the last snapshot (at most a second old). */
    public int links(LinkState state) {
        return links.get(state.ordinal());
    }
}
