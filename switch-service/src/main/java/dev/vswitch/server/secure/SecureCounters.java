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
    private final AtomicLong punchedDirect = new AtomicLong();
    private final AtomicLong punchedUnanswered = new AtomicLong();
    private final AtomicLong directLost = new AtomicLong();
    private volatile int directPaths;

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

    /** A vport's paths report said this much more happened since its last one. */
    void pathsReported(long direct, long unanswered, long lost) {
        punchedDirect.addAndGet(direct);
        punchedUnanswered.addAndGet(unanswered);
        directLost.addAndGet(lost);
    }

    void directPaths(int pairs) {
        directPaths = pairs;
    }

    /** Punches that went direct, as vports reported them, since start. */
    public long punchedDirect() {
        return punchedDirect.get();
    }

    /** Punches no candidate answered (a symmetric NAT, a firewall), as vports reported them, since start. */
    public long punchedUnanswered() {
        return punchedUnanswered.get();
    }

    /** Direct paths that went silent and fell back to this switch, as vports reported them, since start. */
    public long directLost() {
        return directLost.get();
    }

    /** Direct paths between vports now, as of the last sweep: each vport's reported count, halved. */
    public int directPaths() {
        return directPaths;
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
