package dev.vswitch.vport.it;

import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.Keepalive;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A stand-in switch for the integration tests, run as its own process inside a test namespace: it answers
 * keepalives and repeats every other datagram to every other endpoint it has heard from (a hub, which is
 * all two vports need). It ends by itself after its lifetime, so it can never outlive a test run.
 */
public final class TestHub {

    private TestHub() {
    }

    /** Arguments: UDP port, lifetime in seconds. */
    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        long deadline = System.nanoTime() + Long.parseLong(args[1]) * 1_000_000_000L;
        Set<SocketAddress> endpoints = new LinkedHashSet<>();
        ByteBuffer datagram = ByteBuffer.allocateDirect(65_536);
        ByteBuffer reply = ByteBuffer.allocateDirect(Keepalive.LENGTH);
        try (DatagramChannel channel = DatagramChannel.open().bind(new InetSocketAddress(port)); Selector selector = Selector.open()) {
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ);
            System.out.println("hub listening on " + port);
            while (System.nanoTime() - deadline < 0) {
                selector.select(200);
                selector.selectedKeys().clear();
                SocketAddress sender;
                while ((sender = channel.receive(datagram.clear())) != null) {
                    endpoints.add(sender);
                    datagram.flip();
                    int length = datagram.remaining();
                    if (Keepalive.kind(datagram, 0, length) == Keepalive.REQUEST) {
                        Keepalive.writeReply(reply, EthernetFrame.source(datagram, 0));
                        channel.send(reply, sender);
                        continue;
                    }
                    for (SocketAddress endpoint : endpoints) {
                        if (!endpoint.equals(sender)) {
                            channel.send(datagram.duplicate(), endpoint);
                        }
                    }
                }
            }
        }
    }
}
