package dev.vswitch.server.secure;

import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.Keepalive;
import dev.vswitch.protocol.wire.Session;
import dev.vswitch.protocol.wire.WireFormat;
import dev.vswitch.server.capture.CaptureTap;
import dev.vswitch.server.capture.Captures;
import dev.vswitch.server.cluster.TrunkFrames;
import dev.vswitch.server.cluster.TrunkLink;
import dev.vswitch.switching.ForwardingDecision;
import dev.vswitch.switching.Port;
import dev.vswitch.switching.VirtualSwitch;
import dev.vswitch.server.DatagramSender;
import dev.vswitch.switching.DropReason;
import java.net.InetSocketAddress;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;

/**
 * The data path of the secure port: a decrypted frame from a vport or from a trunk goes through its network's
 * switching core, then out, sealed, to every port the core chose. Frames to a trunk carry their network's
 * tag (built once per frame however many trunks it goes to). The buffers and the decision are reused, so
 * forwarding allocates only the datagrams it sends. Only on the event loop.
 */
final class FrameForwarder {

    private final ByteBuffer plain = ByteBuffer.allocate(65536);
    private final ByteBuffer tagged = ByteBuffer.allocate(65536 + 1 + WireFormat.NETWORK_NAME_LENGTH);
    private final ForwardingDecision<PortEndpoint> decision = new ForwardingDecision<>();
    private final SecureNetwork[] networks;
    private final Captures captures;
    private final SecureCounters counters;
    private final DatagramSender sender;
    /** The network of the frame being forwarded, whether {@link #tagged} holds it yet, and the time. */
    private SecureNetwork network;
    private boolean taggedReady;
    private long nowNanos;

    FrameForwarder(SecureNetwork[] networks, Captures captures, SecureCounters counters,
                   DatagramSender sender) {
        this.networks = networks.clone();
        this.captures = captures;
        this.counters = counters;
        this.sender = sender;
    }

    /** Where data messages are decrypted to; the forwarding methods read it from index 0 to its limit. */
    ByteBuffer plain() {
        return plain;
    }

    /** A vport's plaintext: a keepalive (learned from, and answered) or a frame. */
    void fromVport(Peer peer, long now) {
        int length = plain.limit();
        if (length == 0 || Keepalive.kind(plain, 0, length) == Keepalive.REQUEST) {
            long source = length == 0 ? 0 : EthernetFrame.source(plain, 0);
            if (peer.network().lan().keepalive(peer, source, now) != null && length > 0) {
                Keepalive.writeReply(plain, source);
                seal(peer, plain);
            }
            return;
        }
        forward(peer.network(), peer, now);
    }

    /** A trunk's plaintext: empty (a keepalive, nothing to do) or a network's tag and a frame. */
    void fromTrunk(TrunkLink link, long now) {
        int length = plain.limit();
        if (length == 0) {
            return;
        }
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
        link.receivedFrame(plain.limit());
        forward(target, link, now);
    }

    private void forward(SecureNetwork to, PortEndpoint ingress, long now) {
        network = to;
        taggedReady = false;
        nowNanos = now;
        int length = plain.limit();
        VirtualSwitch<PortEndpoint> lan = to.lan();
        long destination = length >= EthernetFrame.HEADER_LENGTH ? EthernetFrame.destination(plain, 0) : 0;
        long source = length >= EthernetFrame.HEADER_LENGTH ? EthernetFrame.source(plain, 0) : 0;
        lan.forward(ingress, length, destination, source, now, decision);
        if (captures.active() && decision.action() != ForwardingDecision.Action.DROP) {
            int egress = decision.action() == ForwardingDecision.Action.UNICAST ? decision.egress().id() : CaptureTap.ANY_PORT;
            captures.offer(lan.name(), decision.ingress().id(), egress, plain.array(), 0, length);
        }
        switch (decision.action()) {
            case UNICAST -> forwardTo(decision.egress());
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
        int sent;
        if (port.isTrunk()) {
            if (!taggedReady) {
                tagged.clear();
                tagged.put(network.trunkTag()).put(plain.array(), 0, plain.limit()).flip();
                taggedReady = true;
            }
            sent = seal(port.endpoint(), tagged);
            if (sent > 0) {
                ((TrunkLink) port.endpoint()).sentFrame(plain.limit(), nowNanos);
            }
        } else {
            sent = seal(port.endpoint(), plain);
        }
        if (sent > 0) {
            port.sent(plain.limit());
            network.lan().counters().sent(decision.kind(), plain.limit());
        } else if (sent < 0) {
            network.lan().counters().dropped(DropReason.SEND_QUEUE_FULL);
        }
    }

    /**
     * Seals all of {@code payload} for {@code to}'s current session into a pooled buffer and sends it: 1 when
     * sent, 0 when {@code to} has no session yet, -1 when the send queue is full.
     */
    private int seal(PortEndpoint to, ByteBuffer payload) {
        Session session = to.sessions().current();
        InetSocketAddress address = to.sendAddress();
        if (session == null || address == null) {
            return 0;
        }
        int sealed = payload.limit() + WireFormat.DATA_OVERHEAD;
        ByteBuf out = sender.datagramBuffer(sealed);
        payload.position(0);
        session.seal(payload, out.internalNioBuffer(0, sealed)); // a view Netty keeps per buffer: no allocation
        out.writerIndex(sealed);
        return sender.send(out, address) ? 1 : -1;
    }
}
