package dev.vswitch.vport.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Unconnected native sockets, as the direct paths use them, on 127.0.0.1: each send names its target, segments sent
 * with GSO arrive coalesced with their size, each receive tells its sender (the same object while it stays the same),
 * and a second socket shares the port of a connected one, taking what the connected one does not.
 */
class UnconnectedSocketTest {

    private static final int BUFFER_BYTES = 1 << 20;
    private static final int SEGMENT = 1200;

    private final NativeUdpSocket a = open();
    private final NativeUdpSocket b = open();
    private NativeUdpSocket connected;

    @AfterEach
    void close() {
        a.close();
        b.close();
        if (connected != null) {
            connected.close();
        }
    }

    @Test
    void sendsNameTheirTargetAndReceivesTellTheirSender() {
        ByteBuffer target = NativeUdpSocket.target(b.localAddress());
        assertEquals(SendResult.SENT, a.sendTo(pattern(100), target));
        ByteBuffer in = ByteBuffer.allocateDirect(65536);
        assertEquals(100, b.receive(in));
        InetSocketAddress from = b.receivedFrom();
        assertEquals(a.localAddress(), from);
        assertEquals(SendResult.SENT, a.sendTo(pattern(80), target));
        assertEquals(80, b.receive(in));
        assertSame(from, b.receivedFrom(), "the same sender, the same object: nothing allocated");
    }

    @Test
    void segmentsSentToATargetArriveCoalescedWithTheirSize() {
        Assumptions.assumeTrue(a.gsoSupported(), "no UDP GSO in this kernel (Linux 4.18+)");
        Assumptions.assumeTrue(b.enableGro(), "no UDP GRO in this kernel (Linux 5.0+)");
        int total = 20 * SEGMENT + 300;
        assertEquals(SendResult.SENT, a.sendSegmentsTo(pattern(total), SEGMENT, NativeUdpSocket.target(b.localAddress())));
        assertEquals(1, a.sendCalls, "one system call for 21 datagrams");
        ByteBuffer in = ByteBuffer.allocateDirect(65536);
        assertEquals(total, b.receive(in));
        assertEquals(SEGMENT, b.receivedSegmentSize());
        assertEquals(a.localAddress(), b.receivedFrom());
    }

    @Test
    void aSecondSocketSharesAConnectedSocketsPortAndTakesWhatItDoesNot() {
        connected = NativeUdpSocket.open(b.localAddress(), BUFFER_BYTES);
        connected.sharePort();
        InetSocketAddress port = connected.localAddress();
        try (NativeUdpSocket shared = NativeUdpSocket.openUnconnected(new InetSocketAddress(port.getAddress(), port.getPort()),
                BUFFER_BYTES)) {
            ByteBuffer to = NativeUdpSocket.target(port);
            b.sendTo(pattern(10), to); // from the connected socket's peer
            a.sendTo(pattern(20), to); // from anyone else
            ByteBuffer in = ByteBuffer.allocateDirect(65536);
            assertEquals(10, connected.receive(in));
            assertEquals(20, shared.receive(in));
            assertEquals(a.localAddress(), shared.receivedFrom());
        }
    }

    private static NativeUdpSocket open() {
        return NativeUdpSocket.openUnconnected(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), BUFFER_BYTES);
    }

    private static ByteBuffer pattern(int length) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(length);
        for (int i = 0; i < length; i++) {
            buffer.put(i, (byte) i);
        }
        return buffer;
    }
}
