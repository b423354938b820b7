package dev.vswitch.server.secure;

import dev.vswitch.server.session.PortEndpoint;

import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.Keepalive;
import dev.vswitch.protocol.offload.Segmenter;
import dev.vswitch.protocol.offload.VirtioNetHeader;
import dev.vswitch.protocol.rendezvous.Rendezvous;
import dev.vswitch.protocol.wire.Session;
import dev.vswitch.protocol.wire.WireFormat;
import dev.vswitch.server.capture.CaptureTap;
import dev.vswitch.server.capture.Captures;
import dev.vswitch.server.cluster.TrunkFrames;
import dev.vswitch.server.cluster.TrunkLink;
import dev.vswitch.server.cluster.TrunkPieces;
import dev.vswitch.switching.ForwardingDecision;
import dev.vswitch.switching.Port;
import dev.vswitch.switching.VirtualSwitch;
import dev.vswitch.server.udp.DatagramSender;
import dev.vswitch.switching.DropReason;
import java.net.InetSocketAddress;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;

/**
 * The data path of the secure port: a decrypted frame from a vport or from a trunk goes through its network's
 * switching core, then out, sealed, to every port the core chose. Frames to a trunk carry their network's
 * tag (built once per frame however many trunks it goes to). The buffers and the decision are reused, so
 * forwarding allocates only the datagrams it sends. Only on the event loop.
 *
 * <p>A vport with {@code --offload} sends offload messages: a virtio_net_hdr before the frame, which may be a TCP
 * segment of up to 64 KB or lack its checksum. They go on as they are to vports that take them; for any other port
 * (a vport without offload, a trunk) the frame is cut into ordinary frames here, checksums completed, as the kernel's
 * GSO would.
 */
final class FrameForwarder {

    private static final byte NO_FLAGS = 0;

    /**
     * Room for the largest plaintext any UDP datagram can carry (65,527 - 32 bytes over IPv6; {@link
     * WireFormat#MAX_PLAINTEXT} over IPv4): a path probe comes that large, and its echo is written back into it.
     */
    private final ByteBuffer plain = ByteBuffer.allocate(65536);
    /** {@link #plain} after an offload message's virtio_net_hdr: where the reply to its keepalive or probe is written. */
    private final ByteBuffer plainAfterHeader = plain.slice(VirtioNetHeader.LENGTH, plain.capacity() - VirtioNetHeader.LENGTH);
    private final ByteBuffer tagged = ByteBuffer.allocate(65536 + 1 + WireFormat.NETWORK_NAME_LENGTH);
    /** One piece of {@link #tagged} for a trunk whose path is not proven to carry it whole. */
    private final ByteBuffer piece = ByteBuffer.allocate(TrunkPieces.SAFE_PLAINTEXT);
    private final ForwardingDecision<PortEndpoint> decision = new ForwardingDecision<>();
    private final Segmenter segmenter = new Segmenter(false);
    private final Segmenter.Sink sendSegment = this::sendSegment;
    private final SecureNetwork[] networks;
    private final Captures captures;
    private final SecureCounters counters;
    private final DatagramSender sender;
    private final Introducer introducer;
    /** The network of the frame being forwarded, whether {@link #tagged} holds it yet, and the time. */
    private SecureNetwork network;
    private boolean taggedReady;
    private long nowNanos;
    /** Where the frame starts in {@link #plain}: after the virtio_net_hdr of an offload message, else at 0. */
    private int frameOffset;
    /** The offload message's header asks for segmenting or a checksum: ports without offload get it done here. */
    private boolean needsOffload;
    /** The switch is shutting down: keepalive replies say so, so vports that know other replicas move now. */
    private boolean draining;
    /** The port a segment being cut goes to. */
    private Port<PortEndpoint> segmentTarget;

    FrameForwarder(SecureNetwork[] networks, Captures captures, SecureCounters counters,
                   DatagramSender sender) {
        this.networks = networks.clone();
        this.captures = captures;
        this.counters = counters;
        this.sender = sender;
        this.introducer = new Introducer((to, plaintext) -> seal(to, WireFormat.TYPE_DATA, plaintext) > 0, counters);
    }

    /** From now on keepalive replies tell the vports that this switch is shutting down; on the event loop. */
    void startDraining() {
        draining = true;
    }

    /** Where data messages are decrypted to; the forwarding methods read it from index 0 to its limit. */
    ByteBuffer plain() {
        return plain;
    }

    /**
     * A vport's plaintext: a keepalive or a path probe (learned from, and answered) or a frame. {@code offloaded}: it
     * came in an offload message, header first; its keepalives say the vport takes them, ordinary keepalives that it
     * does not.
     */
    void fromVport(Peer peer, boolean offloaded, long now) {
        frameOffset = offloaded ? VirtioNetHeader.LENGTH : 0;
        int length = plain.limit() - frameOffset;
        if (length < 0) {
            counters.dropped(PacketDrop.MALFORMED);
            return;
        }
        byte kind = length == 0 ? Keepalive.REQUEST : Keepalive.kind(plain, frameOffset, length);
        if (kind == Keepalive.REQUEST || kind == Keepalive.PROBE) {
            answer(peer, offloaded, kind, length, now);
            return;
        }
        byte rendezvous = kind == 0 ? Rendezvous.kind(plain, frameOffset, length) : 0;
        if (rendezvous != 0) {
            boolean taken = switch (rendezvous) {
                case Rendezvous.ENDPOINTS -> introducer.reported(peer, plain, frameOffset, length, now);
                case Rendezvous.PATHS -> introducer.pathsReported(peer, plain, frameOffset, length);
                default -> false; // a peer message only goes from the switch
            };
            if (!taken) {
                counters.dropped(PacketDrop.MALFORMED);
            }
            return;
        }
        needsOffload = offloaded && !VirtioNetHeader.isPlain(plain, 0);
        int segmentLength = length;
        if (needsOffload) {
            segmentLength = Segmenter.segmentFrameLength(plain, 0, plain.limit());
            if (segmentLength < 0) {
                counters.dropped(PacketDrop.MALFORMED);
                return;
            }
        }
        forward(peer.network(), peer, segmentLength, now);
    }

    /**
     * A keepalive (empty, or the frame of {@code length} bytes in {@link #plain}) or a path probe: keeps the vport's
     * port and claims its MAC, then answers in the message type it came in, written over it in {@link #plain}. A
     * keepalive says whether the vport takes offload messages; the reply names the largest frame this switch forwards,
     * so a vport with a larger MTU can say so. A probe only proves that datagrams of its size cross the path both ways:
     * it leaves the offload mark as it is, is never forwarded, and is echoed at its own length, so it cannot make the
     * switch send more than it received.
     */
    private void answer(Peer peer, boolean offloaded, byte kind, int length, long now) {
        long source = length == 0 ? 0 : EthernetFrame.source(plain, frameOffset);
        VirtualSwitch<PortEndpoint> lan = peer.network().lan();
        Port<PortEndpoint> port = lan.keepalive(peer, source, now);
        if (port == null) {
            return;
        }
        ByteBuffer frame = offloaded ? plainAfterHeader : plain;
        if (kind == Keepalive.PROBE) {
            Keepalive.writeProbeReply(frame, source, length);
        } else {
            lan.takesOffload(port, offloaded);
            if (length == 0) {
                return; // an empty keepalive is a liveness signal only
            }
            byte flags = (byte) ((draining ? Keepalive.FLAG_DRAINING : NO_FLAGS)
                    | (peer.network().definition().directPaths() ? Keepalive.FLAG_RENDEZVOUS : NO_FLAGS));
            Keepalive.writeReply(frame, source, false, lan.settings().maxFrameSize(), flags);
        }
        if (offloaded) {
            VirtioNetHeader.writePlain(plain, 0); // all zero: the reply asks nothing of the vport's TAP
        }
        plain.position(0).limit(frameOffset + frame.limit());
        seal(peer, offloaded ? WireFormat.TYPE_DATA_OFFLOAD : WireFormat.TYPE_DATA, plain);
    }

    /**
     * A trunk's plaintext: empty (a keepalive, nothing to do), a network's tag and a frame, or a piece of those (joined
     * with the others of its frame, then forwarded).
     */
    void fromTrunk(TrunkLink link, long now) {
        if (plain.limit() == 0) {
            return;
        }
        if (TrunkFrames.kind(plain) == TrunkFrames.PIECE) {
            TrunkPieces.Joined joined = link.join(plain);
            if (joined == TrunkPieces.Joined.MALFORMED) {
                counters.dropped(PacketDrop.MALFORMED);
            }
            if (joined != TrunkPieces.Joined.WHOLE) {
                return;
            }
        }
        int length = plain.limit();
        SecureNetwork target = null;
        for (SecureNetwork candidate : networks) {
            if (TrunkFrames.carries(plain, candidate.trunkTag())) {
                target = candidate;
                break;
            }
        }
        if (target == null) {
            counters.dropped(PacketDrop.UNKNOWN_NETWORK);
            return;
        }
        int tagLength = target.trunkTag().length;
        System.arraycopy(plain.array(), tagLength, plain.array(), 0, length - tagLength);
        plain.limit(length - tagLength);
        if (Rendezvous.kind(plain, 0, plain.limit()) == Rendezvous.PEER) { // another replica's introduction
            if (!introducer.fromTrunk(target, link, plain, plain.limit(), now)) {
                counters.dropped(PacketDrop.MALFORMED);
            }
            return;
        }
        link.receivedFrame(plain.limit());
        frameOffset = 0;
        needsOffload = false;
        forward(target, link, plain.limit(), now);
    }

    private void forward(SecureNetwork to, PortEndpoint ingress, int segmentLength, long now) {
        network = to;
        taggedReady = false;
        nowNanos = now;
        int length = plain.limit() - frameOffset;
        VirtualSwitch<PortEndpoint> lan = to.lan();
        long destination = length >= EthernetFrame.HEADER_LENGTH ? EthernetFrame.destination(plain, frameOffset) : 0;
        long source = length >= EthernetFrame.HEADER_LENGTH ? EthernetFrame.source(plain, frameOffset) : 0;
        lan.forward(ingress, length, segmentLength, destination, source, now, decision);
        if (captures.active() && decision.action() != ForwardingDecision.Action.DROP) {
            int egress = decision.action() == ForwardingDecision.Action.UNICAST ? decision.egress().id() : CaptureTap.ANY_PORT;
            captures.offer(lan.name(), decision.ingress().id(), egress, plain.array(), frameOffset, length);
        }
        switch (decision.action()) {
            case UNICAST -> {
                forwardTo(decision.egress());
                if (ingress instanceof Peer from && to.definition().directPaths()) {
                    if (decision.egress().endpoint() instanceof Peer egress) {
                        introducer.unicast(from, egress, now);
                    } else if (decision.egress().endpoint() instanceof TrunkLink link) {
                        introducer.acrossTrunk(from, link, destination, to.trunkTag(), now);
                    }
                }
            }
            case FLOOD -> flood(lan, decision.ingress());
            case DROP -> { }
        }
    }

    private void flood(VirtualSwitch<PortEndpoint> lan, Port<PortEndpoint> ingress) {
        int count = lan.livePortCount();
        for (int i = 0; i < count; i++) {
            Port<PortEndpoint> target = lan.floodTarget(i, ingress);
            if (target != null) {
                forwardTo(target);
            }
        }
    }

    private void forwardTo(Port<PortEndpoint> port) {
        int length = plain.limit() - frameOffset;
        int sent;
        if (frameOffset > 0 && port.takesOffload()) {
            plain.position(0);
            sent = seal(port.endpoint(), WireFormat.TYPE_DATA_OFFLOAD, plain);
        } else if (needsOffload) {
            segmentTarget = port;
            sent = segmenter.split(plain, 0, plain.limit(), 1, network.lan().settings().maxFrameSize(), sendSegment) > 0 ? 1 : 0;
        } else if (port.isTrunk()) {
            if (!taggedReady) {
                tag(plain.array(), frameOffset, length);
                taggedReady = true;
            }
            sent = sealToTrunk(port, length);
        } else {
            plain.position(frameOffset);
            sent = seal(port.endpoint(), WireFormat.TYPE_DATA, plain);
        }
        if (sent > 0) {
            port.sent(length);
            network.lan().counters().sent(decision.kind(), length);
        } else if (sent < 0) {
            network.lan().counters().dropped(DropReason.SEND_QUEUE_FULL);
        }
    }

    /** One ordinary frame cut from an offload message, after its (all-zero) virtio header, to {@link #segmentTarget}. */
    private boolean sendSegment(ByteBuffer piece) {
        int length = piece.limit() - VirtioNetHeader.LENGTH;
        int sent;
        if (segmentTarget.isTrunk()) {
            tag(piece.array(), VirtioNetHeader.LENGTH, length);
            sent = sealToTrunk(segmentTarget, length);
        } else {
            piece.position(VirtioNetHeader.LENGTH);
            sent = seal(segmentTarget.endpoint(), WireFormat.TYPE_DATA, piece);
        }
        if (sent < 0) {
            network.lan().counters().dropped(DropReason.SEND_QUEUE_FULL);
        }
        return sent >= 0;
    }

    /** Puts the network's tag and then the frame in {@code frame[offset, offset+length)} into {@link #tagged}. */
    private void tag(byte[] frame, int offset, int length) {
        tagged.clear();
        tagged.put(network.trunkTag()).put(frame, offset, length).flip();
    }

    /**
     * Seals {@link #tagged} to the trunk of {@code port}, whole, or in pieces when the trunk's path is not proven to
     * carry it whole; returns as {@link #seal} does.
     */
    private int sealToTrunk(Port<PortEndpoint> port, int frameLength) {
        TrunkLink link = (TrunkLink) port.endpoint();
        tagged.position(0);
        int sent = link.sendsWhole(tagged.remaining()) ? seal(link, WireFormat.TYPE_DATA, tagged) : sealInPieces(link);
        if (sent > 0) {
            link.sentFrame(frameLength, nowNanos);
        }
        return sent;
    }

    private int sealInPieces(TrunkLink link) {
        if (link.sessions().current() == null) {
            return 0;
        }
        int pieces = TrunkPieces.count(tagged.remaining());
        int frameId = link.cutFrameId();
        for (int index = 0; index < pieces; index++) {
            TrunkPieces.write(tagged, index, frameId, piece);
            int sent = seal(link, WireFormat.TYPE_DATA, piece);
            if (sent <= 0) {
                return sent;
            }
        }
        return 1;
    }

    /**
     * Seals {@code payload} from its position to its limit for {@code to}'s current session, as a data message of
     * {@code type}, into a pooled buffer and sends it: 1 when sent, 0 when {@code to} has no session yet, -1 when the
     * send queue is full.
     */
    private int seal(PortEndpoint to, byte type, ByteBuffer payload) {
        Session session = to.sessions().current();
        InetSocketAddress address = to.sendAddress();
        if (session == null || address == null) {
            return 0;
        }
        int sealed = payload.remaining() + WireFormat.DATA_OVERHEAD;
        ByteBuf out = sender.datagramBuffer(sealed);
        session.seal(type, payload, out.internalNioBuffer(0, sealed)); // a view Netty keeps per buffer: no allocation
        out.writerIndex(sealed);
        return sender.send(out, address) ? 1 : -1;
    }
}
