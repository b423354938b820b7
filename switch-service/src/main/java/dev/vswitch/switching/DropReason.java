package dev.vswitch.switching;

import java.util.Locale;

/** Why the switch did not forward a frame. Every drop has exactly one reason, and every reason is counted. */
public enum DropReason {
    /** Shorter than an Ethernet header (14 bytes): the seed's keepalive-less garbage, truncated packets. */
    RUNT,
    /**
     * An offload frame (a virtio_net_hdr and a frame, from a vport with {@code --offload}) whose header the switch cannot
     * act on, or whose frame does not have the addresses it was switched by.
     */
    MALFORMED,
    /** Longer than {@code vswitch.max-frame-size}. */
    OVERSIZE,
    /** Source MAC is multicast, broadcast or all zeros: no real NIC sends that, so it would poison learning. */
    INVALID_SOURCE,
    /** The destination lives on the port the frame came from: forwarding it back would duplicate it. */
    SAME_PORT,
    /** A new endpoint could not get a port because the network has {@code vswitch.max-ports} already. */
    PORT_LIMIT,
    /**
     * An open network (the legacy port): a new endpoint could not get a port because ports attached faster than
     * {@code vswitch.legacy.new-ports-per-second} allows.
     */
    NEW_PORT_RATE,
    /**
     * An open network (the legacy port): sending the frame would have made the switch send more than
     * {@code vswitch.legacy.max-amplification} times what its port sent in (a flood costs its size once per port).
     */
    AMPLIFICATION,
    /** A new source MAC on a port that already owns its maximum (a CAM-overflow attempt, or a big bridge). */
    PORT_MAC_LIMIT,
    /** A source MAC that is live on another port: refused until the hold time passes (anti-hijack). */
    MAC_MOVE_REFUSED,
    /**
     * Split horizon: a unicast that came from another replica to a MAC that lives behind a third one. In a
     * full mesh every replica sends to the owner directly, so relaying it could only loop or duplicate.
     */
    SPLIT_HORIZON,
    /** Storm control: the port exceeded its broadcast rate. */
    STORM_BROADCAST,
    /** Storm control: the port exceeded its multicast rate. */
    STORM_MULTICAST,
    /** Storm control: the port exceeded its unknown-unicast rate. */
    STORM_UNKNOWN_UNICAST,
    /** The switch's UDP send queue was full (the machine's uplink cannot keep up): dropped, not queued without bound. */
    SEND_QUEUE_FULL;

    /** The name used in metrics and logs, e.g. {@code invalid_source}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
