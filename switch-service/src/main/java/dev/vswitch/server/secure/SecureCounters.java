package dev.vswitch.server.secure;

import dev.vswitch.switching.EnumCounter;

import java.util.concurrent.atomic.AtomicLong;

/** What the secure port did with what it received, before and around the networks' switching. */
public final class SecureCounters {

    private final EnumCounter<HandshakeResult> handshakes = new EnumCounter<>(HandshakeResult.class);
    private final EnumCounter<PacketDrop> drops = new EnumCounter<>(PacketDrop.class);
    private final AtomicLong roams = new AtomicLong();
    private final AtomicLong introductions = new AtomicLong();
    private volatile int sessions;

    void handshake(HandshakeResult result) {
        handshakes.increment(result);
    }

    void dropped(PacketDrop reason) {
        drops.increment(reason);
    }

    void sessions(int live) {
        sessions = live;
    }

    void roamed() {
        roams.incrementAndGet();
    }

    void introduced() {
        introductions.incrementAndGet();
    }

    /** Pairs of vports introduced to each other for a direct path (rendezvous), since start. */
    public long introductions() {
        return introductions.get();
    }

    public long handshakes(HandshakeResult result) {
        return handshakes.get(result);
    }

    public long drops(PacketDrop reason) {
        return drops.get(reason);
    }

    /** Sessions that moved to a new source address (NAT rebinding, a laptop changing networks). */
    public long roams() {
        return roams.get();
    }

    /** Live sessions as of the last sweep (at most a second old). */
    public int sessions() {
        return sessions;
    }
}
