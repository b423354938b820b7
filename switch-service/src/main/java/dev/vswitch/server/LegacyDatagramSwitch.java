package dev.vswitch.server;

import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.Keepalive;
import dev.vswitch.server.capture.CaptureTap;
import dev.vswitch.server.capture.Captures;
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
 */
final class LegacyDatagramSwitch extends DatagramVerticle {

    private final boolean trace;
    private final VirtualSwitch<InetSocketAddress> network;
    private final ForwardingDecision<InetSocketAddress> decision = new ForwardingDecision<>();
    private final ByteBuffer keepaliveReply = ByteBuffer.allocate(Keepalive.LENGTH);
    private final Captures captures;

    LegacyDatagramSwitch(SwitchConfig config, int port, VirtualSwitch<InetSocketAddress> network, PortObservers observers) {
        super(config, port, observers.timings());
        this.captures = observers.captures();
        network.onPortChanges(observers.series().listenerFor(network.name(), Endpoints::text));
        this.trace = config.trace();
        this.network = network;
    }

    VirtualSwitch<InetSocketAddress> network() {
        return network;
    }

    /** Detaches a port and forgets its MACs; the seed's vport will attach again with its next frame. */
    boolean disconnect(int portId) {
        Port<InetSocketAddress> port = network.ports().get(portId);
        if (port == null) {
            return false;
        }
        network.detach(port);
        return true;
    }

    @Override
    protected void onDatagram(ByteBuffer frame, InetSocketAddress sender) {
        int length = frame.remaining();
        long now = System.nanoTime();
        long destination = 0;
        long source = 0;
        if (length >= EthernetFrame.HEADER_LENGTH) {
            destination = EthernetFrame.destination(frame, frame.position());
            source = EthernetFrame.source(frame, frame.position());
            if (length == Keepalive.LENGTH && Keepalive.kind(frame, frame.position(), length) == Keepalive.REQUEST) {
                answerKeepalive(sender, source, now);
                return;
            }
        }
        network.forward(sender, length, destination, source, now, decision);
        if (trace) {
            int etherType = length >= EthernetFrame.HEADER_LENGTH
                    ? frame.getShort(frame.position() + EthernetFrame.ETHER_TYPE_OFFSET) & 0xffff : 0;
            FrameTrace.frame(sender, length, destination, source, etherType, decision);
        }
        if (captures.active() && decision.action() != ForwardingDecision.Action.DROP) {
            int egress = decision.action() == ForwardingDecision.Action.UNICAST ? decision.egress().id() : CaptureTap.ANY_PORT;
            byte[] copy = new byte[length];
            frame.duplicate().get(copy);
            captures.offer(network.name(), decision.ingress().id(), egress, copy, 0, length);
        }
        if (decision.action() == ForwardingDecision.Action.DROP) {
            return;
        }
        // One copy out of the read buffer, which is reused once this returns; a flood shares it.
        ByteBuf out = datagramBuffer(length);
        out.writeBytes(frame.duplicate());
        if (decision.action() == ForwardingDecision.Action.UNICAST) {
            sendTo(out.retain(), decision.egress());
        } else {
            flood(out, decision.ingress());
        }
        out.release();
    }

    @Override
    protected void sweep(long nowNanos) {
        network.sweep(nowNanos);
    }

    private void flood(ByteBuf frame, Port<InetSocketAddress> ingress) {
        int count = network.livePortCount();
        for (int i = 0; i < count; i++) {
            Port<InetSocketAddress> target = network.floodTarget(i, ingress);
            if (target != null) {
                sendTo(frame.retainedDuplicate(), target);
            }
        }
    }

    private void sendTo(ByteBuf frame, Port<InetSocketAddress> to) {
        int length = frame.readableBytes();
        if (send(frame, to.endpoint())) {
            to.sent(length);
            network.counters().sent(decision.kind(), length);
        } else {
            network.counters().dropped(DropReason.SEND_QUEUE_FULL);
        }
    }

    private void answerKeepalive(InetSocketAddress sender, long source, long now) {
        if (trace) {
            FrameTrace.keepalive(sender, source);
        }
        if (network.keepalive(sender, source, now) != null) {
            Keepalive.writeReply(keepaliveReply, source);
            send(datagramBuffer(Keepalive.LENGTH).writeBytes(keepaliveReply.array(), 0, Keepalive.LENGTH), sender);
        }
    }
}
