package dev.vswitch.server;

import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.Keepalive;
import dev.vswitch.server.capture.CaptureTap;
import dev.vswitch.server.capture.Captures;
import dev.vswitch.switching.ForwardingDecision;
import dev.vswitch.switching.Port;
import dev.vswitch.switching.VirtualSwitch;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.net.SocketAddress;

import java.nio.ByteBuffer;

/**
 * The opt-in legacy port, carrying the seed's plain format (one Ethernet frame per datagram, no
 * authentication) so that the seed's vport.c and {@code vport connect --legacy} work. It reads the
 * addresses of each frame, asks the {@link VirtualSwitch} where it goes and sends it there.
 */
final class LegacyDatagramSwitch extends DatagramVerticle {

    private final boolean trace;
    private final VirtualSwitch<SocketAddress> network;
    private final ForwardingDecision<SocketAddress> decision = new ForwardingDecision<>();
    private final ByteBuffer keepaliveReply = ByteBuffer.allocate(Keepalive.LENGTH);
    private final Captures captures;

    LegacyDatagramSwitch(SwitchConfig config, int port, VirtualSwitch<SocketAddress> network, PortObservers observers) {
        super(config, port, observers.timings());
        this.captures = observers.captures();
        network.onPortChanges(observers.series().listenerFor(network.name(), SocketAddress::toString));
        this.trace = config.trace();
        this.network = network;
    }

    VirtualSwitch<SocketAddress> network() {
        return network;
    }

    /** Detaches a port and forgets its MACs; the seed's vport will attach again with its next frame. */
    boolean disconnect(int portId) {
        Port<SocketAddress> port = network.ports().get(portId);
        if (port == null) {
            return false;
        }
        network.detach(port);
        return true;
    }

    @Override
    protected void onDatagram(DatagramPacket packet) {
        Buffer frame = packet.data();
        SocketAddress sender = packet.sender();
        int length = frame.length();
        long now = System.nanoTime();
        long destination = 0;
        long source = 0;
        if (length >= EthernetFrame.HEADER_LENGTH) {
            destination = readMac(frame, EthernetFrame.DESTINATION_OFFSET);
            source = readMac(frame, EthernetFrame.SOURCE_OFFSET);
            if (length == Keepalive.LENGTH && isKeepaliveRequest(frame)) {
                answerKeepalive(sender, source, now);
                return;
            }
        }
        network.forward(sender, length, destination, source, now, decision);
        if (trace) {
            int etherType = length >= EthernetFrame.HEADER_LENGTH ? frame.getUnsignedShort(EthernetFrame.ETHER_TYPE_OFFSET) : 0;
            FrameTrace.frame(sender, length, destination, source, etherType, decision);
        }
        if (captures.active() && decision.action() != ForwardingDecision.Action.DROP) {
            int egress = decision.action() == ForwardingDecision.Action.UNICAST ? decision.egress().id() : CaptureTap.ANY_PORT;
            captures.offer(network.name(), decision.ingress().id(), egress, frame.getBytes(), 0, length);
        }
        switch (decision.action()) {
            case UNICAST -> sendTo(frame, decision.egress());
            case FLOOD -> flood(frame, decision.ingress());
            case DROP -> { }
        }
    }

    @Override
    protected void sweep(long nowNanos) {
        network.sweep(nowNanos);
    }

    private void flood(Buffer frame, Port<SocketAddress> ingress) {
        int count = network.livePortCount();
        for (int i = 0; i < count; i++) {
            Port<SocketAddress> target = network.floodTarget(i, ingress);
            if (target != null) {
                sendTo(frame, target);
            }
        }
    }

    private void sendTo(Buffer frame, Port<SocketAddress> to) {
        send(frame, to.endpoint());
        to.sent(frame.length());
        network.counters().sent(decision.kind(), frame.length());
    }

    private void answerKeepalive(SocketAddress sender, long source, long now) {
        if (trace) {
            FrameTrace.keepalive(sender, source);
        }
        if (network.keepalive(sender, source, now) != null) {
            Keepalive.writeReply(keepaliveReply, source);
            send(Buffer.buffer(Keepalive.LENGTH).appendBytes(keepaliveReply.array(), 0, Keepalive.LENGTH), sender);
        }
    }

    private static boolean isKeepaliveRequest(Buffer frame) {
        return Keepalive.kind(ByteBuffer.wrap(frame.getBytes()), 0, Keepalive.LENGTH) == Keepalive.REQUEST;
    }

    private static long readMac(Buffer frame, int offset) {
        return ((long) frame.getUnsignedShort(offset) << 32) | frame.getUnsignedInt(offset + 2);
    }
}
