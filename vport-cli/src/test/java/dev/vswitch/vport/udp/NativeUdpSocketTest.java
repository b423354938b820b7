package dev.vswitch.vport.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vswitch.vport.VportException;
import dev.vswitch.vport.testing.LogCapture;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The JNA-owned UDP socket against plain JDK sockets on 127.0.0.1 and ::1: what arrives is what the datagrams should be. */
class NativeUdpSocketTest {

    private static final int BUFFER_BYTES = 4 << 20;
    /** A 1,500-byte MTU path without fragments: 1,452-byte datagrams, as a sealed 64 KB TCP segment is cut. */
    private static final int SEGMENT = 1452;
    private static final int TAIL = 300;
    private static final int FULL_SEGMENTS = 45;
    /** Linux's SO_NO_CHECK: send without UDP checksums. */
    private static final int SO_NO_CHECK = 11;

    @Test
    void segmentsArriveAsDatagramsOfExactlyTheirSizesAndBytesOverIpv4() throws Exception {
        try (DatagramSocket peer = peer("127.0.0.1")) {
            assertSegmentsArrive(peer, true);
        }
    }

    @Test
    void segmentsArriveAsDatagramsOfExactlyTheirSizesAndBytesOverIpv6() throws Exception {
        try (DatagramSocket peer = ipv6PeerOrSkip()) {
            assertSegmentsArrive(peer, true);
        }
    }

    @Test
    void withoutGsoTheSameDatagramsArriveOneSendEach() throws Exception {
        try (DatagramSocket peer = peer("127.0.0.1")) {
            assertSegmentsArrive(peer, false);
        }
    }

    @Test
    void whenTheKernelRefusesASegmentedSendTheSegmentsGoOneByOneAndItIsSaidOnce() throws Exception {
        try (DatagramSocket peer = peer("127.0.0.1");
                NativeUdpSocket socket = NativeUdpSocket.open(address(peer), BUFFER_BYTES);
                LogCapture log = new LogCapture(NativeUdpSocket.class)) {
            Assumptions.assumeTrue(socket.gsoSupported(), "no UDP GSO in this kernel (Linux 4.18+)");
            // SO_NO_CHECK (no UDP checksums) rules GSO out: udp_send_skb then answers EINVAL, as a kernel without it would.
            assertTrue(SocketSetup.setOption(socket.descriptor(), SocketLibC.SOL_SOCKET, SO_NO_CHECK, 1));
            for (int round = 0; round < 2; round++) {
                long callsBefore = socket.sendCalls;
                ByteBuffer segments = pattern(3 * SEGMENT + TAIL);
                assertEquals(SendResult.SENT, socket.sendSegments(segments, SEGMENT));
                byte[] expected = array(pattern(3 * SEGMENT + TAIL));
                for (int i = 0; i < 4; i++) {
                    int length = i < 3 ? SEGMENT : TAIL;
                    assertArrayEquals(Arrays.copyOfRange(expected, i * SEGMENT, i * SEGMENT + length), receive(peer), "datagram " + i);
                }
                assertFalse(socket.gsoSupported());
                assertEquals(round == 0 ? 1 + 4 : 4, socket.sendCalls - callsBefore, "the refused sendmsg once, then one send each");
            }
            assertEquals(1, log.count("UDP segmentation offload failed towards"), String.join("\n", log.lines));
        }
    }

    @Test
    void moreThanSixtyFourSegmentsAreSplitAcrossSends() throws Exception {
        try (DatagramSocket peer = peer("127.0.0.1");
                NativeUdpSocket socket = NativeUdpSocket.open(address(peer), BUFFER_BYTES)) {
            ByteBuffer segments = pattern(100 * 100);
            assertEquals(SendResult.SENT, socket.sendSegments(segments, 100));
            for (int i = 0; i < 100; i++) {
                assertArrayEquals(Arrays.copyOfRange(array(pattern(100 * 100)), i * 100, i * 100 + 100), receive(peer), "datagram " + i);
            }
            assertEquals(socket.gsoSupported() ? 2 : 100, socket.sendCalls, "64 segments per send at most");
        }
    }

    @Test
    void oneSendCarriesUpToTheLargestDatagramsPayload() throws Exception {
        int segment = NativeUdpSocket.MAX_IPV4_PAYLOAD / 3; // 21,835: three make 65,505 bytes, just under 65,507
        try (DatagramSocket peer = peer("127.0.0.1");
                NativeUdpSocket socket = NativeUdpSocket.open(address(peer), BUFFER_BYTES)) {
            assertEquals(SendResult.SENT, socket.sendSegments(pattern(4 * segment), segment));
            byte[] expected = array(pattern(4 * segment));
            for (int i = 0; i < 4; i++) {
                assertArrayEquals(Arrays.copyOfRange(expected, i * segment, (i + 1) * segment), receive(peer), "datagram " + i);
            }
            assertEquals(socket.gsoSupported() ? 2 : 4, socket.sendCalls, "three segments, then the fourth");
        }
    }

    @Test
    void aRunNoLongerThanOneSegmentIsOneDatagram() throws Exception {
        try (DatagramSocket peer = peer("127.0.0.1");
                NativeUdpSocket socket = NativeUdpSocket.open(address(peer), BUFFER_BYTES)) {
            assertEquals(SendResult.SENT, socket.sendSegments(pattern(SEGMENT), SEGMENT));
            assertArrayEquals(array(pattern(SEGMENT)), receive(peer));
            assertEquals(1, socket.sendCalls);
        }
    }

    @Test
    void aDatagramGoesAndComesBackOverIpv6() throws Exception {
        try (DatagramSocket peer = ipv6PeerOrSkip();
                NativeUdpSocket socket = NativeUdpSocket.open(address(peer), BUFFER_BYTES)) {
            ByteBuffer out = pattern(1000);
            assertEquals(SendResult.SENT, socket.send(out));
            assertFalse(out.hasRemaining(), "a sent datagram is consumed, as by DatagramChannel.write");
            DatagramPacket packet = new DatagramPacket(new byte[2000], 2000);
            peer.receive(packet);
            assertArrayEquals(array(pattern(1000)), Arrays.copyOf(packet.getData(), packet.getLength()));

            peer.send(new DatagramPacket(new byte[] {1, 2, 3}, 3, packet.getSocketAddress()));
            ByteBuffer in = ByteBuffer.allocateDirect(70_000);
            assertEquals(3, socket.receive(in));
            assertEquals(3, in.position());
            assertEquals(3, socket.receivedSegmentSize());
            assertEquals(3, in.get(2));
        }
    }

    @Test
    void saysWhetherADatagramIsWaitingWithoutTakingIt() throws Exception {
        try (DatagramSocket peer = peer("127.0.0.1");
                NativeUdpSocket socket = NativeUdpSocket.open(address(peer), BUFFER_BYTES)) {
            socket.send(pattern(10));
            DatagramPacket first = new DatagramPacket(new byte[100], 100);
            peer.receive(first);
            assertFalse(socket.datagramWaiting(), "nothing sent to it yet");

            for (int length : new int[] {3, 0, 5}) { // an empty datagram is waiting too
                peer.send(new DatagramPacket(new byte[length], length, first.getSocketAddress()));
            }
            Awaitility.await("a datagram queued").atMost(Duration.ofSeconds(5)).until(socket::datagramWaiting);
            ByteBuffer in = ByteBuffer.allocateDirect(70_000);
            for (int length : new int[] {3, 0, 5}) {
                assertTrue(socket.datagramWaiting());
                assertEquals(length, socket.receive(in), "each still there, in order");
            }
            assertFalse(socket.datagramWaiting(), "all taken");
            socket.close();
            assertFalse(socket.datagramWaiting(), "closed");
        }
    }

    @Test
    void aPeerThatIsGoneIsReportedAsUnreachableNotThrown() throws Exception {
        InetSocketAddress closedPort;
        try (DatagramSocket peer = peer("127.0.0.1")) {
            closedPort = address(peer);
        }
        try (NativeUdpSocket socket = NativeUdpSocket.open(closedPort, BUFFER_BYTES)) {
            ByteBuffer datagram = pattern(100);
            Awaitility.await("the kernel reports port unreachable on a later send").atMost(Duration.ofSeconds(2))
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).pollInSameThread()
                    .until(() -> socket.send(datagram.clear()) == SendResult.UNREACHABLE);
            assertEquals(0, datagram.position(), "nothing was consumed");

            ByteBuffer segments = pattern(3 * SEGMENT);
            Awaitility.await("and on a later segmented send").atMost(Duration.ofSeconds(2))
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).pollInSameThread()
                    .until(() -> socket.sendSegments(segments.clear(), SEGMENT) == SendResult.UNREACHABLE);
            assertTrue(segments.position() % SEGMENT == 0 && segments.hasRemaining(), "the position stops at the segment not sent");
        }
        try (NativeUdpSocket socket = NativeUdpSocket.open(closedPort, BUFFER_BYTES)) {
            assertEquals(SendResult.SENT, socket.send(pattern(100)), "a new socket has no error pending");
            CompletableFuture<Integer> receiving = CompletableFuture.supplyAsync(() -> socket.receive(ByteBuffer.allocateDirect(100)));
            assertEquals(NativeUdpSocket.UNREACHABLE, receiving.get(5, TimeUnit.SECONDS), "the receiver learns it from the ICMP error");
        }
    }

    @Test
    void closeWakesAReceiverBlockedInRecv() throws Exception {
        try (DatagramSocket peer = peer("127.0.0.1")) {
            NativeUdpSocket socket = NativeUdpSocket.open(address(peer), BUFFER_BYTES);
            CompletableFuture<Integer> receiving = new CompletableFuture<>();
            Thread receiver = new Thread(() -> receiving.complete(socket.receive(ByteBuffer.allocateDirect(100))), "receiver");
            receiver.start();
            Awaitility.await("the receiver is in recv").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5))
                    .until(() -> Arrays.stream(receiver.getStackTrace()).anyMatch(frame -> frame.getMethodName().equals("recv")));

            assertTimeoutPreemptively(Duration.ofSeconds(5), socket::close, "close waits for the receiver, which shutdown woke");
            assertEquals(NativeUdpSocket.CLOSED, receiving.get(1, TimeUnit.SECONDS));
            assertEquals(NativeUdpSocket.CLOSED, socket.receive(ByteBuffer.allocateDirect(100)));
            assertEquals(SendResult.FAILED, socket.send(pattern(10)));
            socket.close();
        }
    }

    @Test
    void heapBuffersAndImpossibleSegmentSizesAreProgrammingErrors() throws Exception {
        try (DatagramSocket peer = peer("127.0.0.1");
                NativeUdpSocket socket = NativeUdpSocket.open(address(peer), BUFFER_BYTES)) {
            assertThrows(IllegalArgumentException.class, () -> socket.send(ByteBuffer.allocate(10)));
            assertThrows(IllegalArgumentException.class, () -> socket.sendSegments(pattern(10), 0));
            assertThrows(IllegalArgumentException.class, () -> socket.sendSegments(pattern(10), 65_508));
        }
    }

    @Test
    void anUnresolvedAddressIsOneLineNotAStackTrace() {
        VportException failure = assertThrows(VportException.class,
                () -> NativeUdpSocket.open(InetSocketAddress.createUnresolved("switch.invalid", 9999), BUFFER_BYTES));
        assertEquals("cannot reach switch.invalid/<unresolved>:9999 over UDP: the name is not resolved", failure.getMessage());
    }

    /** 45 full segments and a tail: 46 datagrams, in two sends with GSO (65,640 bytes exceed one datagram's 65,507). */
    private static void assertSegmentsArrive(DatagramSocket peer, boolean gso) throws Exception {
        int total = FULL_SEGMENTS * SEGMENT + TAIL;
        try (NativeUdpSocket socket = NativeUdpSocket.open(address(peer), BUFFER_BYTES, gso)) {
            assertEquals(gso, socket.gsoSupported(), "this kernel has UDP GSO (Linux 4.18+)");
            ByteBuffer segments = pattern(total);
            assertEquals(SendResult.SENT, socket.sendSegments(segments, SEGMENT));
            assertEquals(total, segments.position());
            byte[] expected = array(pattern(total));
            for (int i = 0; i <= FULL_SEGMENTS; i++) {
                int length = i < FULL_SEGMENTS ? SEGMENT : TAIL;
                assertArrayEquals(Arrays.copyOfRange(expected, i * SEGMENT, i * SEGMENT + length), receive(peer), "datagram " + i);
            }
            assertEquals(gso ? 2 : FULL_SEGMENTS + 1, socket.sendCalls);
        }
    }

    private static DatagramSocket peer(String host) throws IOException {
        DatagramSocket peer = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(host), 0));
        peer.setReceiveBufferSize(BUFFER_BYTES);
        peer.setSoTimeout(5000);
        return peer;
    }

    private static DatagramSocket ipv6PeerOrSkip() throws IOException {
        try {
            return peer("::1");
        } catch (IOException e) {
            Assumptions.abort("no IPv6 loopback here: " + e.getMessage());
            return null;
        }
    }

    private static InetSocketAddress address(DatagramSocket socket) {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    private static byte[] receive(DatagramSocket peer) throws IOException {
        DatagramPacket packet = new DatagramPacket(new byte[70_000], 70_000);
        peer.receive(packet);
        return Arrays.copyOf(packet.getData(), packet.getLength());
    }

    /** Bytes that differ from segment to segment and within one, in a direct buffer from 0 to {@code length}. */
    private static ByteBuffer pattern(int length) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(length);
        for (int i = 0; i < length; i++) {
            buffer.put(i, (byte) (i * 7 + i / SEGMENT));
        }
        return buffer;
    }

    private static byte[] array(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
