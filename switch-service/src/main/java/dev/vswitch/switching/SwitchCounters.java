package dev.vswitch.switching;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Monotonic counters of one network. Written by the network's thread, read by metrics and tests from
 * any thread.
 */
public final class SwitchCounters {

    private final EnumCounter<FrameKind> framesIn = new EnumCounter<>(FrameKind.class);
    private final EnumCounter<FrameKind> bytesIn = new EnumCounter<>(FrameKind.class);
    private final EnumCounter<DropReason> drops = new EnumCounter<>(DropReason.class);
    private final EnumCounter<FrameKind> framesOut = new EnumCounter<>(FrameKind.class);
    private final EnumCounter<FrameKind> bytesOut = new EnumCounter<>(FrameKind.class);
    private final AtomicLong macsLearned = new AtomicLong();
    private final AtomicLong macMoves = new AtomicLong();
    private final AtomicLong macsAged = new AtomicLong();
    private final AtomicLong macTableFull = new AtomicLong();
    private final AtomicLong portsAttached = new AtomicLong();
    private final AtomicLong portsExpired = new AtomicLong();
    private final AtomicLong keepalives = new AtomicLong();
    private final AtomicLong offloadFallbacks = new AtomicLong();
    private volatile int macEntries;
    private volatile int livePorts;

    void received(FrameKind kind, int length) {
        framesIn.increment(kind);
        bytesIn.add(kind, length);
    }

    /** Counts one frame dropped, by the core or by the I/O edge (a full send queue). */
    public void dropped(DropReason reason) {
        drops.increment(reason);
    }

    /** Counts one datagram the I/O edge sent out for this network. */
    public void sent(FrameKind kind, int length) {
        framesOut.increment(kind);
        bytesOut.add(kind, length);
    }

    void learned(MacTable.Learned result) {
        switch (result) {
            case NEW -> macsLearned.incrementAndGet();
            case MOVED -> macMoves.incrementAndGet();
            case TABLE_FULL -> macTableFull.incrementAndGet();
            case PORT_FULL -> dropped(DropReason.PORT_MAC_LIMIT);
            case MOVE_REFUSED -> dropped(DropReason.MAC_MOVE_REFUSED);
            case REFRESHED -> { }
        }
    }

    void aged(int count) {
        macsAged.addAndGet(count);
    }

    void portAttached() {
        portsAttached.incrementAndGet();
    }

    void portExpired() {
        portsExpired.incrementAndGet();
    }

    /** Publishes the table sizes for readers on other threads; the network's thread calls it once a second. */
    void snapshot(int macs, int ports) {
        macEntries = macs;
        livePorts = ports;
    }

    void keepalive() {
        keepalives.incrementAndGet();
    }

    void offloadFallback() {
        offloadFallbacks.incrementAndGet();
    }

    public long framesIn(FrameKind kind) {
        return framesIn.get(kind);
    }

    public long bytesIn(FrameKind kind) {
        return bytesIn.get(kind);
    }

    public long framesIn() {
        long total = 0;
        for (FrameKind kind : FrameKind.values()) {
            total += framesIn(kind);
        }
        return total;
    }

    public long drops(DropReason reason) {
        return drops.get(reason);
    }

    public long framesOut(FrameKind kind) {
        return framesOut.get(kind);
    }

    public long bytesOut(FrameKind kind) {
        return bytesOut.get(kind);
    }

    public long framesOut() {
        long total = 0;
        for (FrameKind kind : FrameKind.values()) {
            total += framesOut(kind);
        }
        return total;
    }

    public long bytesOut() {
        long total = 0;
        for (FrameKind kind : FrameKind.values()) {
            total += bytesOut(kind);
        }
        return total;
    }

    public long macsLearned() {
        return macsLearned.get();
    }

    public long macMoves() {
        return macMoves.get();
    }

    public long macsAged() {
        return macsAged.get();
    }

    public long macTableFull() {
        return macTableFull.get();
    }

    public long portsAttached() {
        return portsAttached.get();
    }

    public long portsExpired() {
        return portsExpired.get();
    }

    public long keepalives() {
        return keepalives.get();
    }

    /** Ports that took offload frames until an ordinary keepalive said their vport no longer does. */
    public long offloadFallbacks() {
        return offloadFallbacks.get();
    }

    /** MAC table entries as of the last sweep (at most a second old). */
    public int macEntries() {
        return macEntries;
    }

    /** Live ports as of the last sweep (at most a second old). */
    public int livePorts() {
        return livePorts;
    }
}
