package dev.vswitch.vport.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * UDP GRO between two native sockets on 127.0.0.1 connected to each other: segments sent with GSO arrive coalesced,
 * and the receiver learns their size. On loopback the segmented send crosses as one packet, so it arrives whole.
 */
class NativeUdpSocketGroTest {

    private static final int BUFFER_BYTES = 4 << 20;
    private static final int SEGMENT = 1452;

    private NativeUdpSocket sender;
    private NativeUdpSocket receiver;

    @BeforeEach
    void connectTwoSockets() throws IOException {
        InetSocketAddress receiverAddress;
        try (DatagramSocket reserved = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            receiverAddress = (InetSocketAddress) reserved.getLocalSocketAddress();
        }
        sender = NativeUdpSocket.open(receiverAddress, BUFFER_BYTES);
        receiver = NativeUdpSocket.open(sender.localAddress(), BUFFER_BYTES, true, receiverAddress);
        Assumptions.assumeTrue(sender.gsoSupported(), "no UDP GSO in this kernel (Linux 4.18+)");
        Assumptions.assumeTrue(receiver.enableGro(), "no UDP GRO in this kernel (Linux 5.0+)");
    }

    @AfterEach
    void close() {
        sender.close();
        receiver.close();
    }

    @Test
    void segmentsArriveCoalescedWithTheirSize() throws Exception {
        int total = 45 * SEGMENT + 300;
        ByteBuffer out = pattern(total);
        assertEquals(SendResult.SENT, sender.sendSegments(out, SEGMENT));

        ByteBuffer in = ByteBuffer.allocateDirect(65_535);
        int received = 0;
        int calls = 0;
        while (received < total) {
            int length = receive(in);
            assertTrue(length > 0, "received " + length);
            int segmentSize = receiver.receivedSegmentSize();
            assertEquals(Math.min(SEGMENT, length), segmentSize, "every datagram but the last is a whole segment");
            for (int i = 0; i < length; i++) {
                assertEquals(out.get(received + i), in.get(i), "byte " + (received + i));
            }
            received += length;
            calls++;
        }
        assertEquals(total, received);
        assertEquals(2, calls, "45 segments in one receive, the tail (sent in the second sendmsg) in another");
    }

    @Test
    void aBufferTooSmallForWhatWasCoalescedIsAFailureNotACutDatagram() throws Exception {
        assertEquals(SendResult.SENT, sender.sendSegments(pattern(10 * SEGMENT), SEGMENT));
        assertEquals(NativeUdpSocket.FAILED, receive(ByteBuffer.allocateDirect(2 * SEGMENT)));
    }

    private int receive(ByteBuffer buffer) throws Exception {
        return CompletableFuture.supplyAsync(() -> receiver.receive(buffer)).get(5, TimeUnit.SECONDS);
    }

    private static ByteBuffer pattern(int length) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(length);
        for (int i = 0; i < length; i++) {
            buffer.put(i, (byte) (i * 13 + i / SEGMENT));
        }
        return buffer;
    }
}
