package dev.vswitch.switching;

import dev.vswitch.protocol.ratelimit.TokenBucket;

/**
 * One attached vport: a remote endpoint (for the plain format, its UDP address) and its traffic. The
 * id is small and reused after the port leaves, so per-port state can live in arrays. A trunk port is
 * the link to another replica of the switch: the replica the frames entered through already applied
 * storm control and the per-port MAC limit, so a trunk has neither.
 */
public final class Port<E> {

    private final int id;
    private final E endpoint;
    private final long attachedNanos;
    private final boolean trunk;
    private long lastSeenNanos;
    private final Traffic traffic = new Traffic();
    private boolean takesOffload;
    private final TokenBucket broadcastBudget;
    private final TokenBucket multicastBudget;
    private final TokenBucket unknownUnicastBudget;
    /** In an open network ({@link OpenNetworkLimits}): bytes the switch may still send for this port's frames. */
    private long sendCredit;
    int slot; // index in PortTable's dense array of live ports

    Port(int id, E endpoint, long nowNanos, L2Safety safety, boolean trunk) {
        this.id = id;
        this.endpoint = endpoint;
        this.attachedNanos = nowNanos;
        this.lastSeenNanos = nowNanos;
        this.trunk = trunk;
        this.broadcastBudget = trunk ? null : bucket(safety.broadcast(), nowNanos);
        this.multicastBudget = trunk ? null : bucket(safety.multicast(), nowNanos);
        this.unknownUnicastBudget = trunk ? null : bucket(safety.unknownUnicast(), nowNanos);
    }

    public int id() {
        return id;
    }

    public E endpoint() {
        return endpoint;
    }

    /** A link to another replica rather than a vport. */
    public boolean isTrunk() {
        return trunk;
    }

    /**
     * Whether the vport takes segmentation-offload super-frames as they are (it said so in its last keepalive); any
     * other port gets them cut into ordinary frames. A new port starts without, whatever its address had before.
     */
    public boolean takesOffload() {
        return takesOffload;
    }

    /** Set through {@link VirtualSwitch#takesOffload}, which counts the fallbacks. */
    void takesOffload(boolean takes) {
        takesOffload = takes;
    }

    public long attachedNanos() {
        return attachedNanos;
    }

    public long lastSeenNanos() {
        return lastSeenNanos;
    }

    /** Frames and bytes each way; safe to read from any thread. */
    public Traffic traffic() {
        return traffic;
    }

    void received(int length, long nowNanos) {
        lastSeenNanos = nowNanos;
        traffic.received(length);
    }

    /** Storm control: may this port flood one more frame of this kind now? Always, for a trunk. */
    boolean mayFlood(FrameKind kind, long nowNanos) {
        if (trunk) {
            return true;
        }
        TokenBucket budget = switch (kind) {
            case BROADCAST -> broadcastBudget;
            case MULTICAST -> multicastBudget;
            case UNKNOWN_UNICAST -> unknownUnicastBudget;
            case UNICAST -> null;
        };
        return budget == null || budget.tryTake(nowNanos);
    }

    void startCredit(long bytes) {
        sendCredit = bytes;
    }

    /**
     * Open networks: a frame of this port earns {@code earned} bytes of credit and its delivery costs {@code cost};
     * what is left is saved up to {@code maxCredit}. False, with nothing spent, when the credit does not cover the cost.
     */
    boolean chargeSend(long earned, long cost, long maxCredit) {
        long available = sendCredit + earned;
        boolean covered = available >= cost;
        sendCredit = Math.min(maxCredit, covered ? available - cost : available);
        return covered;
    }

    private static TokenBucket bucket(FloodLimit limit, long nowNanos) {
        return new TokenBucket(limit.perSecond(), limit.burst(), nowNanos);
    }

    void touched(long nowNanos) {
        lastSeenNanos = nowNanos;
    }

    public void sent(int length) {
        traffic.sent(length);
    }

    @Override
    public String toString() {
        return (trunk ? "trunk port " : "port ") + id + " (" + endpoint + ")";
    }
}
