package dev.vswitch.server.cluster;

import dev.vswitch.switching.EnumCounter;

import java.util.concurrent.atomic.AtomicIntegerArray;

/** The mesh's handshakes and its links by state. Written on the switch's event loop, read from any thread. */
public final class ClusterCounters {

    private final EnumCounter<TrunkHandshake> handshakes = new EnumCounter<>(TrunkHandshake.class);
    private final AtomicIntegerArray links = new AtomicIntegerArray(LinkState.values().length);

    void handshake(TrunkHandshake result) {
        handshakes.increment(result);
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
