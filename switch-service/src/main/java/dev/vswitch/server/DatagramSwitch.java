package dev.vswitch.server;

import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.Keepalive;
import dev.vswitch.switching.ForwardingDecision;
import dev.vswitch.switching.Port;
import dev.vswitch.switching.VirtualSwitch;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.SocketAddress;

import java.nio.ByteBuffer;

/**
 * The UDP edge of the switch: one Vert.x datagram socket carrying the seed's plain format (one Ethernet
 * frame per datagram). It reads the addresses of each frame, asks the {@link VirtualSwitch} where it goes
 * and sends it there. Everything, the periodic sweep included, runs on this verticle's event loop, so the
 * switching core needs no locks.
 */
final class DatagramSwitch extends AbstractVerticle {

    private static final long SWEEP_INTERVAL_MS = 1000;

    private final SwitchConfig config;
    private final VirtualSwitch<SocketAddress> network;
    private final ForwardingDecision<SocketAddress> decision = new ForwardingDecision<>();
    private final ByteBuffer keepaliveReply = ByteBuffer.allocate(Keepalive.LENGTH);
    private DatagramSocket socket;

    DatagramSwitch(SwitchConfig config, VirtualSwitch<SocketAddress> network) {
        this.config = config;
        this.network = network;
    }

    @Override
    public void start(Promise<Void> started) {
        DatagramSocketOptions options = new DatagramSocketOptions()
                .setIpV6(config.host().contains(":"))
                .setReceiveBufferSize(config.socketBufferSize())
                .setSendBufferSize(config.socketBufferSize());
        socket = vertx.createDatagramSocket(options);
        socket.handler(this::onDatagram);
        socket.exceptionHandler(error -> { }); // ICMP errors from vanished vports: nothing to do
        socket.listen(config.port(), config.host())
                .onSuccess(bound -> {
                    vertx.setPeriodic(SWEEP_INTERVAL_MS, id -> network.sweep(System.nanoTime()));
                    started.complete();
                })
                .onFailure(started::fail);
    }

    @Override
    public void stop() {
        socket.close();
    }

    /** Runs {@code task} on this verticle's event loop, the only thread that touches the switching state. */
    void runOnEventLoop(Runnable task) {
        context.runOnContext(ignored -> task.run());
    }

    /** The bound UDP port (differs from the configured one when that was 0). */
    int boundPort() {
        return socket.localAddress().port();
    }

    private void onDatagram(DatagramPacket packet) {
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
        if (config.trace()) {
            int etherType = length >= EthernetFrame.HEADER_LENGTH ? frame.getUnsignedShort(12) : 0;
            FrameTrace.frame(sender, length, destination, source, etherType, decision);
        }
        switch (decision.action()) {
            case UNICAST -> send(frame, decision.egress());
            case FLOOD -> flood(frame, decision.ingress());
            case DROP -> { }
        }
    }

    private void flood(Buffer frame, Port<SocketAddress> ingress) {
        int count = network.livePortCount();
        for (int i = 0; i < count; i++) {
            Port<SocketAddress> target = network.floodTarget(i, ingress);
            if (target != null) {
                send(frame, target);
            }
        }
    }

    private void send(Buffer frame, Port<SocketAddress> to) {
        SocketAddress address = to.endpoint();
        socket.send(frame, address.port(), address.host());
        to.sent(frame.length());
        network.counters().sent(frame.length());
    }

    private void answerKeepalive(SocketAddress sender, long source, long now) {
        if (config.trace()) {
            FrameTrace.keepalive(sender, source);
        }
        Port<SocketAddress> port = network.keepalive(sender, source, now);
        if (port != null) {
            Keepalive.writeReply(keepaliveReply, source);
            socket.send(Buffer.buffer(Keepalive.LENGTH).appendBytes(keepaliveReply.array(), 0, Keepalive.LENGTH),
                    sender.port(), sender.host());
        }
    }

    private static boolean isKeepaliveRequest(Buffer frame) {
        return Keepalive.kind(ByteBuffer.wrap(frame.getBytes()), 0, Keepalive.LENGTH) == Keepalive.REQUEST;
    }

    private static long readMac(Buffer frame, int offset) {
        return ((long) frame.getUnsignedShort(offset) << 32) | frame.getUnsignedInt(offset + 2);
    }
}
