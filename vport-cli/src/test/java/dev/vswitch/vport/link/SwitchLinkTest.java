package dev.vswitch.vport.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vswitch.vport.udp.NativeUdpSocket;
import dev.vswitch.vport.udp.SendResult;
import dev.vswitch.vport.values.HostPort;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The UDP link against real sockets on 127.0.0.1 standing in for the switch. */
class SwitchLinkTest {

    private final LinkCounters counters = new LinkCounters();
    private DatagramChannel fakeSwitch;

    @BeforeEach
    void bindFakeSwitch() throws IOException {
        fakeSwitch = loopbackChannel();
    }

    @AfterEach
    void closeFakeSwitch() throws IOException {
        fakeSwitch.close();
    }

    @Test
    void carriesOneDatagramEachWay() throws Exception {
        try (SwitchLink link = SwitchLink.connect(address(fakeSwitch), counters)) {
            assertTrue(link.send(ascii("to switch")));
            ByteBuffer received = ByteBuffer.allocate(100);
            SocketAddress vport = fakeSwitch.receive(received);
            assertEquals("to switch", text(received.flip()));

            fakeSwitch.send(ascii("to vport"), vport);
            ByteBuffer buffer = ByteBuffer.allocateDirect(100);
            assertEquals(8, link.receive(buffer));
            assertEquals("to vport", text(buffer.flip()));
        }
    }

    /** Handshake messages come in heap buffers; frames, cut from one TCP segment, in one buffer to go together. */
    @Test
    void sendsAHeapBufferAndSegmentsAsSeparateDatagrams() throws Exception {
        try (SwitchLink link = SwitchLink.connect(address(fakeSwitch), counters)) {
            assertTrue(link.send(ByteBuffer.wrap("handshake".getBytes(StandardCharsets.US_ASCII))));
            ByteBuffer received = ByteBuffer.allocate(2000);
            fakeSwitch.receive(received);
            assertEquals("handshake", text(received.flip()));

            ByteBuffer segments = ByteBuffer.allocateDirect(3000);
            for (int i = 0; i < 2 * 1200 + 500; i++) {
                segments.put((byte) (i / 1200 + 'a'));
            }
            assertTrue(link.sendSegments(segments.flip(), 1200));
            assertEquals(segments.limit(), segments.position(), "all of it sent");
            for (String expected : new String[] {"a".repeat(1200), "b".repeat(1200), "c".repeat(500)}) {
                fakeSwitch.receive(received.clear());
                assertEquals(expected, text(received.flip()));
            }
            assertEquals(0, counters.drops(LinkCounters.Drop.LINK_ERROR));
        }
    }

    /** A sender with GSO on loopback reaches a reader with GRO in one read: the link hands the datagrams out one by one. */
    @Test
    void datagramsTheKernelCoalescedAreReceivedOneByOne() throws Exception {
        try (SwitchLink link = SwitchLink.connect(address(fakeSwitch), counters)) {
            assertTrue(link.send(ascii("hello")));
            ByteBuffer received = ByteBuffer.allocate(100);
            InetSocketAddress vport = (InetSocketAddress) fakeSwitch.receive(received);
            InetSocketAddress switchAddress = address(fakeSwitch);
            fakeSwitch.close();
            try (NativeUdpSocket gsoSwitch = NativeUdpSocket.open(vport, 1 << 20, true, switchAddress)) {
                assumeTrue(gsoSwitch.gsoSupported(), "the kernel has no UDP GSO");
                ByteBuffer segments = ByteBuffer.allocateDirect(10 * 1200 + 500);
                for (int i = 0; i < segments.capacity(); i++) {
                    segments.put((byte) (i / 1200));
                }
                assertEquals(SendResult.SENT, gsoSwitch.sendSegments(segments.flip(), 1200));
            }
            ByteBuffer buffer = ByteBuffer.allocateDirect(FrameLimits.BUFFER_BYTES);
            for (int i = 0; i <= 10; i++) {
                int length = link.receive(buffer);
                assertEquals(i < 10 ? 1200 : 500, length, "datagram " + i);
                assertEquals(length, buffer.position());
                for (int j = 0; j < length; j++) {
                    assertEquals((byte) i, buffer.get(j), "datagram " + i + " byte " + j);
                }
            }
            assertEquals(1, link.coalescedReads(), "the kernel coalesced them");
        }
    }

    @Test
    void worksOverIpv6() throws Exception {
        DatagramChannel ipv6Switch;
        try {
            ipv6Switch = DatagramChannel.open(StandardProtocolFamily.INET6).bind(new InetSocketAddress("::1", 0));
        } catch (IOException e) {
            Assumptions.abort("no IPv6 loopback here: " + e.getMessage());
            return;
        }
        try (ipv6Switch; SwitchLink link = SwitchLink.connect(HostPort.parse("[::1]:" + address(ipv6Switch).getPort()).resolve(), counters)) {
            assertTrue(link.send(ascii("over v6")));
            ByteBuffer received = ByteBuffer.allocate(100);
            ipv6Switch.receive(received);
            assertEquals("over v6", text(received.flip()));
        }
    }

    @Test
    void aSwitchThatIsDownIsCountedNotThrown() throws Exception {
        InetSocketAddress closedPort = address(fakeSwitch);
        fakeSwitch.close();
        try (SwitchLink link = SwitchLink.connect(closedPort, counters)) {
            Awaitility.await("the kernel reports port unreachable on a later send").atMost(Duration.ofSeconds(1))
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(25)).pollInSameThread()
                    .until(() -> !link.send(ascii("anyone?")));
            assertTrue(counters.drops(LinkCounters.Drop.SWITCH_UNREACHABLE) > 0);
        }
    }

    @Test
    void reconnectMovesToTheNewSwitchAndTheBlockedReceiverFollows() throws Exception {
        try (DatagramChannel movedSwitch = loopbackChannel(); SwitchLink link = SwitchLink.connect(address(fakeSwitch), counters)) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(100);
            CompletableFuture<Integer> receiving = CompletableFuture.supplyAsync(() -> link.receive(buffer));
            Thread.sleep(100);

            link.reconnect(address(movedSwitch));
            assertEquals(address(movedSwitch), link.remote());
            assertTrue(link.send(ascii("hello again")));
            ByteBuffer received = ByteBuffer.allocate(100);
            SocketAddress vport = movedSwitch.receive(received);
            movedSwitch.send(ascii("welcome"), vport);

            assertEquals(7, receiving.get(5, TimeUnit.SECONDS));
            assertEquals("welcome", text(buffer.flip()));
        }
    }

    @Test
    void closeWakesTheBlockedReceiverWithMinusOne() throws Exception {
        SwitchLink link = SwitchLink.connect(address(fakeSwitch), counters);
        CompletableFuture<Integer> receiving = CompletableFuture.supplyAsync(() -> link.receive(ByteBuffer.allocateDirect(100)));
        Thread.sleep(100);
        assertFalse(receiving.isDone());
        link.close();
        assertEquals(-1, receiving.get(5, TimeUnit.SECONDS));
    }

    private static DatagramChannel loopbackChannel() throws IOException {
        return DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    private static InetSocketAddress address(DatagramChannel channel) throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    private static ByteBuffer ascii(String text) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(text.length());
        return buffer.put(text.getBytes(StandardCharsets.US_ASCII)).flip();
    }

    private static String text(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
