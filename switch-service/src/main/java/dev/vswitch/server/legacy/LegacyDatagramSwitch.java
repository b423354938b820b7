package dev.vswitch.server.legacy;

import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.Keepalive;
import dev.vswitch.protocol.offload.PlainOffloadFrame;
import dev.vswitch.protocol.offload.Segmenter;
import dev.vswitch.protocol.offload.VirtioNetHeader;
import dev.vswitch.server.capture.CaptureTap;
import dev.vswitch.server.capture.Captures;
import dev.vswitch.server.udp.DatagramHandler;
import dev.vswitch.server.udp.DatagramPort;
import dev.vswitch.switching.DropReason;
import dev.vswitch.switching.ForwardingDecision;
import dev.vswitch.switching.Port;
import dev.vswitch.switching.VirtualSwitch;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The opt-in legacy port, carrying the seed's plain format (one Ethernet frame per datagram, no
 * authentication) so that the seed's vport.c and {@code vport connect --legacy} work. It reads the
 * addresses of each frame, asks the {@link VirtualSwitch} where it goes and sends it there.
 *
 * <p>A vport with {@code --legacy --offload} also sends {@link PlainOffloadFrame}s (a TCP segment of up to 64 KB, or a
 * frame still lacking its checksum). They go on as they are to vports that asked for them in their keepalives; every
 * other port gets the frame cut into ordinary ones here, as the kernel's GSO would.
 *
 * <p>It is its UDP port's {@link DatagramHandler}: everything runs on that port's event loop.
 */
public final class LegacyDatagramSwitch implements DatagramHandler {

    private final DatagramPort port;
    private final boolean trace;
    private final VirtualSwitch<InetSocketAddress> network;
    private final ForwardingDecision<InetSocketAddress> decision = new ForwardingDecision<>();
    /**
     * Where keepalive replies and path probes' echoes are written before they are copied out: a probe may be as long as
     * any UDP payload (65,527 bytes over IPv6), and its echo is as long as the probe.
     */
    private final ByteBuffer reply = ByteBuffer.allocate(65536);
    private final Segmenter segmenter = new Segmenter(false);
    private final Segmenter.Sink sendSegment = this::sendSegment;
    private final Captures captures;
    /** The datagram being forwarded, only during onDatagram: it lies in a read buffer that is reused afterwards. */
    private ByteBuffer datagram;
    /** It is an offload frame; the frame it carries or is, where and how long; the carried one needs nothing done. */
    private boolean offload;
    private int frameStart;
    private int frameLength;
    private boolean carriedAsIs;
    /** Copies of the datagram, and of the frame it carries, made for the first port that needs one; null until then. */
    private ByteBuf wholeCopy;
    private ByteBuf carriedCopy;
    /** The port the segments being cut go to. */
    private Port<InetSocketAddress> segmentTarget;

    /** @param trace log every frame and keepalive ({@code vswitch.trace}) */
    public LegacyDatagramSwitch(DatagramPort port, boolean trace, VirtualSwitch<InetSocketAddress> network,
                                Captures captures) {
        this.port = port;
        this.captures = captures;
        this.trace = trace;
        this.network = network;
    }

    /** The legacy network's switching core; only on the event loop. */
    public VirtualSwitch<InetSocketAddress> network() {
        return network;
    }

    /** Detaches a port and forgets its MACs; the seed's vport will attach again with its next frame. */
    public boolean disconnect(int portId) {
        Port<InetSocketAddress> found = network.ports().get(portId);
        if (found == null) {
            return false;
        }
        network.detach(found);
        return true;
    }

    @Override
    public void onDatagram(ByteBuffer datagram, InetSocketAddress sender, long now) {
        int length = datagram.remaining();
        int start = datagram.position();
        long destination = 0;
        long source = 0;
        offload = false;
        int segmentLength = length;
        if (length >= EthernetFrame.HEADER_LENGTH) {
            destination = EthernetFrame.destination(datagram, start);
            source = EthernetFrame.source(datagram, start);
            byte keepalive = Keepalive.kind(datagram, start, length);
            if (Keepalive.isRequest(keepalive) || keepalive == Keepalive.PROBE) {
                answerKeepalive(sender, source, now, keepalive, length);
                return;
            }
            if (PlainOffloadFrame.is(datagram, start, length)) {
                segmentLength = PlainOffloadFrame.segmentFrameLength(datagram, start, length);
                if (segmentLength < 0) {
                    network.counters().dropped(DropReason.MALFORMED);
                    return;
                }
                offload = true;
            }
        }
        this.datagram = datagram;
        frameStart = offload ? start + PlainOffloadFrame.OVERHEAD : start;
        frameLength = offload ? length - PlainOffloadFrame.OVERHEAD : length;
        network.forward(sender, frameLength, segmentLength, destination, source, now, decision);
        if (trace) {
            int etherType = frameLength >= EthernetFrame.HEADER_LENGTH ? EthernetFrame.etherType(datagram, frameStart) : 0;
            FrameTrace.frame(sender, frameLength, destination, source, etherType, decision);
        }
        if (decision.action() == ForwardingDecision.Action.DROP) {
            return;
        }
        if (captures.active()) {
            int egress = decision.action() == ForwardingDecision.Action.UNICAST ? decision.egress().id() : CaptureTap.ANY_PORT;
            byte[] copy = new byte[frameLength];
            datagram.get(frameStart, copy);
            captures.offer(network.name(), decision.ingress().id(), egress, copy, 0, frameLength);
        }
        carriedAsIs = offload && VirtioNetHeader.isPlain(datagram, start + PlainOffloadFrame.PACKET_OFFSET);
        if (decision.action() == ForwardingDecision.Action.UNICAST) {
            deliver(decision.egress());
        } else {
            flood(decision.ingress());
        }
        release();
    }

    @Override
    public void sweep(long nowNanos) {
        network.sweep(nowNanos);
    }

    private void flood(Port<InetSocketAddress> ingress) {
        int count = network.livePortCount();
        for (int i = 0; i < count; i++) {
            Port<InetSocketAddress> target = network.floodTarget(i, ingress);
            if (target != null) {
                deliver(target);
            }
        }
    }

    /**
     * Sends the datagram being forwarded to one port: as it came, unless it is an offload frame and the port does not
     * take them; then the carried frame alone when its header asks for nothing, else the segments cut from it.
     */
    private void deliver(Port<InetSocketAddress> to) {
        boolean sent;
        if (!offload || to.takesOffload()) {
            sent = sendTo(shared(true), to);
        } else if (carriedAsIs) {
            sent = sendTo(shared(false), to);
        } else {
            segmentTarget = to;
            int start = datagram.position() + PlainOffloadFrame.PACKET_OFFSET;
            sent = segmenter.split(datagram, start, datagram.limit() - start, 1, network.settings().maxFrameSize(), sendSegment) > 0;
        }
        if (sent) {
            to.sent(frameLength);
            network.counters().sent(decision.kind(), frameLength);
        }
    }

    /**
     * One copy out of the read buffer, which is reused once onDatagram returns, shared by all the ports it goes to: the
     * whole datagram, or the frame an offload frame carries.
     */
    private ByteBuf shared(boolean whole) {
        ByteBuf copy = whole ? wholeCopy : carriedCopy;
        if (copy == null) {
            int from = whole ? datagram.position() : frameStart;
            copy = port.datagramBuffer(datagram.limit() - from);
            copy.writeBytes(datagram.duplicate().position(from));
            if (whole) {
                wholeCopy = copy;
            } else {
                carriedCopy = copy;
            }
        }
        return copy.retainedDuplicate();
    }

    private void release() {
        if (wholeCopy != null) {
            wholeCopy.release();
            wholeCopy = null;
        }
        if (carriedCopy != null) {
            carriedCopy.release();
            carriedCopy = null;
        }
    }

    /** One ordinary frame cut from an offload frame (after its all-zero virtio header) to {@link #segmentTarget}. */
    private boolean sendSegment(ByteBuffer piece) {
        piece.position(VirtioNetHeader.LENGTH);
        ByteBuf out = port.datagramBuffer(piece.remaining());
        out.writeBytes(piece);
        return sendTo(out, segmentTarget);
    }

    private boolean sendTo(ByteBuf out, Port<InetSocketAddress> to) {
        if (port.send(out, to.endpoint())) {
            return true;
        }
        network.counters().dropped(DropReason.SEND_QUEUE_FULL);
        return false;
    }

    /**
     * Answers in kind: an offload request says the vport takes offload frames, and the switch sends it them from now; an
     * ordinary one says it no longer does. A path probe ({@code --offload=auto}) only proves that datagrams of its
     * {@code length} cross the path both ways: it leaves that mark as it is and is echoed to its sender alone, at its
     * own length, so it cannot make the switch send more than it received.
     */
    private void answerKeepalive(InetSocketAddress sender, long source, long now, byte kind, int length) {
        if (trace) {
            FrameTrace.keepalive(sender, source);
        }
        Port<InetSocketAddress> attached = network.keepalive(sender, source, now);
        if (attached == null) {
            return;
        }
        if (kind == Keepalive.PROBE) {
            Keepalive.writeProbeReply(reply, source, length);
        } else {
            boolean offloadWanted = Keepalive.offersOffload(kind);
            network.takesOffload(attached, offloadWanted);
            Keepalive.writeReply(reply, source, offloadWanted);
        }
        port.send(port.datagramBuffer(reply.limit()).writeBytes(reply.array(), 0, reply.limit()), sender);
    }
}
