package dev.vswitch.switching;

import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.MacAddress;
import dev.vswitch.protocol.ratelimit.TokenBucket;

/**
 * The switching logic of one network, free of sockets and threads: it learns where source MACs live,
 * decides where each frame goes and ages out what it has not seen. The I/O edge reads a frame's
 * addresses, asks {@link #forward}, and sends accordingly; floods go to every live port except the
 * ingress one ({@link #floodTarget}). All methods must be called from one thread.
 *
 * <p>A network that any address joins without a handshake has {@link OpenNetworkLimits}: new ports at a bounded
 * rate, and bytes out per byte in from each port bounded (every frame is charged for the ports it goes to).
 *
 * <p>Replicas of the switch form one LAN over trunk ports ({@link #attachTrunk}), one per other replica
 * in a full mesh. Split horizon keeps that loop-free: what came in on a trunk never goes out on one.
 *
 * @param <E> how the edge names a remote endpoint (a UDP address for the plain format)
 */
public final class VirtualSwitch<E> {

    private final String name;
    private final SwitchSettings settings;
    private final MacTable macTable;
    private final PortTable<E> ports;
    private final SwitchCounters counters = new SwitchCounters();
    private final long portIdleNanos;
    /** Null unless the network is open to anyone ({@link OpenNetworkLimits}); then with the new-port rate. */
    private final OpenNetworkLimits open;
    private final TokenBucket newPorts;
    /** Why the last {@link #portFor} found no port. */
    private DropReason attachRefusal;
    private PortListener<E> portListener;

    public VirtualSwitch(String name, SwitchSettings settings) {
        this(name, settings, null, 0);
    }

    /** A network that any address joins without a handshake, held to {@code open}; null: none of those limits. */
    public VirtualSwitch(String name, SwitchSettings settings, OpenNetworkLimits open, long nowNanos) {
        this.name = name;
        this.settings = settings;
        L2Safety safety = settings.safety();
        this.macTable = new MacTable(settings.maxMacEntries(), safety.maxMacsPerPort(), settings.macAging().toNanos(),
                safety.macMoveHold().toNanos(), safety.macOwnerHold().toNanos());
        this.ports = new PortTable<>(settings.maxPorts(), safety);
        this.portIdleNanos = settings.portIdle().toNanos();
        this.open = open;
        this.newPorts = open == null ? null : new TokenBucket(open.newPortsPerSecond(), open.newPortBurst(), nowNanos);
    }

    /**
     * Decides what to do with a frame of {@code length} bytes from {@code endpoint}. The addresses are
     * only read when the frame holds a full Ethernet header, so the edge may pass anything otherwise.
     */
    public ForwardingDecision<E> forward(E endpoint, int length, long destination, long source, long nowNanos,
                                         ForwardingDecision<E> out) {
        return forward(endpoint, length, length, destination, source, nowNanos, out);
    }

    /**
     * As {@link #forward(Object, int, long, long, long, ForwardingDecision)} for a frame that stands for several on the
     * wire (a TCP segmentation offload super-frame): the size limit applies to {@code segmentLength}, the longest of
     * those, and the byte counters to all {@code length} bytes.
     */
    public ForwardingDecision<E> forward(E endpoint, int length, int segmentLength, long destination, long source,
                                         long nowNanos, ForwardingDecision<E> out) {
        if (length < EthernetFrame.HEADER_LENGTH) {
            return drop(DropReason.RUNT, null, out);
        }
        if (segmentLength > settings.maxFrameSize()) {
            return drop(DropReason.OVERSIZE, null, out);
        }
        if (!MacAddress.isValidSource(source)) {
            return drop(DropReason.INVALID_SOURCE, null, out);
        }
        Port<E> ingress = portFor(endpoint, nowNanos);
        if (ingress == null) {
            return drop(attachRefusal, null, out);
        }
        MacTable.Learned learned = macTable.learn(source, ingress.id(), nowNanos, !ingress.isTrunk());
        counters.learned(learned);
        if (learned == MacTable.Learned.PORT_FULL) {
            return out.drop(DropReason.PORT_MAC_LIMIT, ingress);
        }
        if (learned == MacTable.Learned.MOVE_REFUSED) {
            return out.drop(DropReason.MAC_MOVE_REFUSED, ingress);
        }
        FrameKind kind;
        if (MacAddress.isGroup(destination)) {
            kind = MacAddress.isBroadcast(destination) ? FrameKind.BROADCAST : FrameKind.MULTICAST;
        } else {
            int egressId = macTable.lookup(destination, nowNanos);
            kind = egressId == MacTable.NO_PORT ? FrameKind.UNKNOWN_UNICAST : FrameKind.UNICAST;
            if (kind == FrameKind.UNICAST) {
                ingress.received(length, nowNanos);
                counters.received(kind, length);
                if (egressId == ingress.id()) {
                    return drop(DropReason.SAME_PORT, ingress, out);
                }
                Port<E> egress = ports.get(egressId);
                if (ingress.isTrunk() && egress.isTrunk()) {
                    return drop(DropReason.SPLIT_HORIZON, ingress, out);
                }
                if (!withinAmplification(ingress, length, 1)) {
                    return drop(DropReason.AMPLIFICATION, ingress, out);
                }
                return out.unicast(ingress, egress);
            }
        }
        ingress.received(length, nowNanos);
        counters.received(kind, length);
        if (!ingress.mayFlood(kind, nowNanos)) {
            return drop(stormReason(kind), ingress, out);
        }
        if (!withinAmplification(ingress, length, ports.size() - 1)) {
            return drop(DropReason.AMPLIFICATION, ingress, out);
        }
        return out.flood(ingress, kind);
    }

    /**
     * A keepalive from a vport whose TAP has {@code source}: keeps (or makes) its port, and learns the
     * MAC so that frames reach the host before it has sent any. The port claims the MAC: no other port
     * takes it while these keepalives go on ({@link MacTable#claim}). Returns the port, or null when full.
     */
    public Port<E> keepalive(E endpoint, long source, long nowNanos) {
        Port<E> port = portFor(endpoint, nowNanos);
        if (port == null) {
            counters.dropped(attachRefusal);
            return null;
        }
        port.touched(nowNanos);
        counters.keepalive();
        if (MacAddress.isValidSource(source)) {
            counters.learned(macTable.claim(source, port.id(), nowNanos, !port.isTrunk()));
        }
        return port;
    }

    /**
     * A keepalive said whether {@code port}'s vport takes offload frames (super-frames and frames whose checksum is
     * left to complete) as they are. A port that took them and no longer does counts as an offload fallback: a vport
     * with {@code --offload=auto} stops asking for them when the path stops carrying its large datagrams, so the count
     * shows paths that drop IP fragments.
     */
    public void takesOffload(Port<E> port, boolean takes) {
        if (port.takesOffload() && !takes) {
            counters.offloadFallback();
        }
        port.takesOffload(takes);
    }

    /**
     * Attaches the trunk port of another replica. Frames from it skip storm control and the per-port MAC
     * limit (its replica applied them), and it never idles out: the edge detaches it when the link to that
     * replica dies, which forgets the MACs behind it. The edge must not {@link #forward} from the endpoint
     * after that, or it would come back as a vport's port.
     */
    public Port<E> attachTrunk(E endpoint, long nowNanos) {
        return attached(ports.attachTrunk(endpoint, nowNanos));
    }

    /** How many ports a flood may reach; index them with {@link #floodTarget}. */
    public int livePortCount() {
        return ports.size();
    }

    /**
     * The i-th live port, or null when a flood from {@code ingress} must not go there: back to the ingress
     * port itself, or from a trunk to another trunk (split horizon: that replica had the frame already).
     */
    public Port<E> floodTarget(int i, Port<E> ingress) {
        Port<E> port = ports.liveView()[i];
        return port == ingress || (port.isTrunk() && ingress.isTrunk()) ? null : port;
    }

    /** Ages out MACs and detaches idle vport ports (trunks follow their link instead). Call about once a second. */
    public void sweep(long nowNanos) {
        counters.aged(macTable.expire(nowNanos));
        Port<E>[] live = ports.liveView();
        for (int i = ports.size() - 1; i >= 0; i--) {
            Port<E> port = live[i];
            if (!port.isTrunk() && nowNanos - port.lastSeenNanos() > portIdleNanos) {
                detach(port);
                counters.portExpired();
            }
        }
        counters.snapshot(macTable.size(), ports.size());
    }

    /** Removes a port and every MAC learned on it. */
    public void detach(Port<E> port) {
        macTable.removePort(port.id());
        ports.detach(port);
        if (portListener != null) {
            portListener.detached(port);
        }
    }

    /** Tells {@code listener} about every port attached or detached from now on. */
    public void onPortChanges(PortListener<E> listener) {
        this.portListener = listener;
    }

    public String name() {
        return name;
    }

    public SwitchSettings settings() {
        return settings;
    }

    public SwitchCounters counters() {
        return counters;
    }

    public MacTable macTable() {
        return macTable;
    }

    public PortTable<E> ports() {
        return ports;
    }

    /** The endpoint's port, attached now if it has none; null when it cannot have one (then {@link #attachRefusal} says why). */
    private Port<E> portFor(E endpoint, long nowNanos) {
        Port<E> port = ports.find(endpoint);
        if (port != null) {
            return port;
        }
        if (newPorts != null && !newPorts.tryTake(nowNanos)) {
            attachRefusal = DropReason.NEW_PORT_RATE;
            return null;
        }
        port = ports.attach(endpoint, nowNanos);
        if (port == null) {
            attachRefusal = DropReason.PORT_LIMIT;
            return null;
        }
        return attached(port);
    }

    /**
     * In an open network, charges the ingress port for sending {@code length} bytes to {@code targets} ports (with
     * what this frame earns it); elsewhere every frame is within bounds.
     */
    private boolean withinAmplification(Port<E> ingress, int length, int targets) {
        return open == null || ingress.chargeSend((long) (open.amplification() * length), (long) targets * length,
                open.creditBytes());
    }

    private Port<E> attached(Port<E> port) {
        if (open != null) {
            port.startCredit(open.creditBytes());
        }
        counters.portAttached();
        if (portListener != null) {
            portListener.attached(port);
        }
        return port;
    }

    private static DropReason stormReason(FrameKind kind) {
        return switch (kind) {
            case BROADCAST -> DropReason.STORM_BROADCAST;
            case MULTICAST -> DropReason.STORM_MULTICAST;
            default -> DropReason.STORM_UNKNOWN_UNICAST;
        };
    }

    private ForwardingDecision<E> drop(DropReason reason, Port<E> ingress, ForwardingDecision<E> out) {
        counters.dropped(reason);
        return out.drop(reason, ingress);
    }
}
