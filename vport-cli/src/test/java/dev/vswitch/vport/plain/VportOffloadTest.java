package dev.vswitch.vport.plain;

import dev.vswitch.vport.link.PathProof;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.Keepalive;
import dev.vswitch.protocol.Mtu;
import dev.vswitch.protocol.offload.PlainOffloadFrame;
import dev.vswitch.protocol.offload.Segmenter;
import dev.vswitch.protocol.offload.VirtioNetHeader;
import dev.vswitch.vport.link.LinkCounters;
import dev.vswitch.vport.link.StopSignal;
import dev.vswitch.vport.link.SwitchLink;
import dev.vswitch.vport.tap.MemoryTap;
import dev.vswitch.vport.values.HostPort;
import dev.vswitch.protocol.testing.TestFrames;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CountDownLatch;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The plain vport with {@code --offload} ({@code connect --legacy --offload}) against a fake switch on a real UDP socket
 * on 127.0.0.1, with a TAP in memory that hands out and takes a virtio_net_hdr before each frame, as one opened with
 * IFF_VNET_HDR does. The fake switch answers keepalive requests as told: not at all (as the seed's switch), in kind
 * (as ours), or with a plain reply. Every wait is bounded.
 */
class VportOffloadTest {

    private static final long TAP_MAC = 0x02005e100001L;
    private static final long PEER_MAC = 0x02005e100002L;
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int MTU = Mtu.LEGACY_TAP_MTU;
    /** Ethernet, IPv4 and TCP headers, without options. */
    private static final int HEADERS = TestFrames.TCP_IPV4_HEADERS;
    /** TCP payload per segment: as the kernel cuts for this MTU, so each segment is a full frame. */
    private static final int GSO_SIZE = MTU - 40;
    private static final byte NO_ANSWER = 0;

    private final LinkCounters counters = new LinkCounters();
    private MemoryTap tap;
    private FakeSwitch fakeSwitch;
    private Vport vport;

    @AfterEach
    void stop() throws Exception {
        if (vport != null) {
            vport.close();
        }
        if (fakeSwitch != null) {
            fakeSwitch.close();
        }
    }

    @Test
    void untilTheSwitchSaysItTakesOffloadASuperFrameIsCutIntoOrdinaryFramesOfTheMtu() throws Exception {
        start(true, NO_ANSWER);
        byte[] ordinary = frame(PEER_MAC, TAP_MAC, 600);
        tap.toVport.add(withPlainHeader(ordinary));
        assertArrayEquals(ordinary, nextDatagram(), "a frame with nothing to do goes as it is, without its header");

        byte[] superFrame = superFrame(PEER_MAC, TAP_MAC, 20 * GSO_SIZE + 100);
        tap.toVport.add(superFrame);
        assertCutIntoSegments(superFrame, 21);
        assertNull(fakeSwitch.datagrams.poll(200, TimeUnit.MILLISECONDS), "nothing more");
        assertEquals(0, counters.offloadSent());
        assertEquals(22, counters.framesToSwitch());
    }

    @Test
    void onceTheSwitchAnswersInKindASuperFrameGoesAsOneOffloadFrameAndAfterAPlainReplyIsCutAgain() throws Exception {
        start(true, Keepalive.REPLY_OFFLOAD);
        awaitMoreReplies();
        byte[] superFrame = superFrame(PEER_MAC, TAP_MAC, 20 * GSO_SIZE + 100);
        tap.toVport.add(superFrame);
        byte[] datagram = nextDatagram();
        ByteBuffer view = ByteBuffer.wrap(datagram);
        assertTrue(PlainOffloadFrame.is(view, 0, datagram.length), "an offload frame");
        assertArrayEquals(superFrame, Arrays.copyOfRange(datagram, PlainOffloadFrame.PACKET_OFFSET, datagram.length),
                "the TAP's header and frame, unchanged");
        assertEquals(PEER_MAC, EthernetFrame.destination(view, 0));
        assertEquals(TAP_MAC, EthernetFrame.source(view, 0));
        assertTrue(PlainOffloadFrame.segmentFrameLength(view, 0, datagram.length) >= 0, "one the switch takes");
        assertNull(fakeSwitch.datagrams.poll(200, TimeUnit.MILLISECONDS), "one datagram for the whole super-frame");
        assertEquals(1, counters.offloadSent());
        assertEquals(1, counters.framesToSwitch());
        assertEquals(superFrame.length - VirtioNetHeader.LENGTH, counters.bytesToSwitch());

        fakeSwitch.answer = Keepalive.REPLY;
        awaitMoreReplies();
        tap.toVport.add(superFrame);
        assertCutIntoSegments(superFrame, 21);
        assertEquals(1, counters.offloadSent());
    }

    @Test
    void aSuperFrameLargerThanOneOffloadFrameCarriesGoesAsTheLargestThatFitsAndTheRest() throws Exception {
        start(true, Keepalive.REPLY_OFFLOAD);
        awaitMoreReplies();
        int segments = (PlainOffloadFrame.MAX_CARRIED_FRAME - HEADERS) / GSO_SIZE;
        int rest = 1150;
        byte[] superFrame = superFrame(PEER_MAC, TAP_MAC, segments * GSO_SIZE + rest);
        assertTrue(superFrame.length - VirtioNetHeader.LENGTH > PlainOffloadFrame.MAX_CARRIED_FRAME, "too large for one");
        tap.toVport.add(superFrame);

        byte[] first = nextDatagram();
        ByteBuffer view = ByteBuffer.wrap(first);
        assertTrue(PlainOffloadFrame.is(view, 0, first.length), "the first piece as an offload frame");
        assertEquals(HEADERS + GSO_SIZE, PlainOffloadFrame.segmentFrameLength(view, 0, first.length), "valid, of full segments");
        assertEquals(PlainOffloadFrame.OVERHEAD + HEADERS + segments * GSO_SIZE, first.length);
        assertEquals(VirtioNetHeader.GSO_TCPV4, VirtioNetHeader.gsoType(view, PlainOffloadFrame.PACKET_OFFSET));
        byte[] second = nextDatagram();
        assertFalse(PlainOffloadFrame.is(ByteBuffer.wrap(second), 0, second.length), "the rest, one segment, as a frame");
        assertEquals(HEADERS + rest, second.length);

        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        payload.write(first, PlainOffloadFrame.OVERHEAD + HEADERS, first.length - PlainOffloadFrame.OVERHEAD - HEADERS);
        payload.write(second, HEADERS, rest);
        assertArrayEquals(payloadOf(superFrame), payload.toByteArray(), "the payload whole and in order");
        assertEquals(1, counters.offloadSent());
        assertEquals(2, counters.framesToSwitch());
    }

    @Test
    void fromTheSwitchAnOffloadFrameReachesTheTapAsItsHeaderAndFrameAndAnOrdinaryFrameBehindAnAllZeroHeader() throws Exception {
        start(true, Keepalive.REPLY_OFFLOAD);
        byte[] packet = superFrame(TAP_MAC, PEER_MAC, 10 * GSO_SIZE);
        fakeSwitch.send(offloadFrame(packet));
        assertArrayEquals(packet, nextWritten());

        byte[] ordinary = frame(TAP_MAC, PEER_MAC, 300);
        fakeSwitch.send(ordinary);
        assertArrayEquals(withPlainHeader(ordinary), nextWritten());
        // the receiving thread counts a frame just after it wrote it to the TAP
        await("the second frame counted", () -> counters.framesFromSwitch() == 2);
        assertEquals(1, counters.offloadReceived());
        assertEquals(packet.length - VirtioNetHeader.LENGTH + ordinary.length, counters.bytesFromSwitch());
    }

    /**
     * TCP frames from the switch that wait in the socket together (here: while the TAP is busy with the frame before
     * them) are joined into a super-frame for the TAP: fewer writes than frames, the payload whole and in order.
     */
    @Test
    void tcpFramesFromTheSwitchThatWaitTogetherReachTheTapJoined() throws Exception {
        start(true, Keepalive.REPLY_OFFLOAD);
        byte[] superFrame = superFrame(TAP_MAC, PEER_MAC, 20 * GSO_SIZE + 100);
        List<byte[]> segments = new ArrayList<>();
        new Segmenter(false).split(ByteBuffer.wrap(superFrame), 0, superFrame.length, 1, 65_536, piece -> {
            segments.add(Arrays.copyOfRange(piece.array(), VirtioNetHeader.LENGTH, piece.limit()));
            return true;
        });
        CountDownLatch gate = new CountDownLatch(1);
        tap.writeGate = gate;
        byte[] first = frame(TAP_MAC, PEER_MAC, 300);
        fakeSwitch.send(first);
        await("the vport writing the first frame", () -> tap.writesBegun.get() == 1);
        for (byte[] segment : segments) {
            fakeSwitch.send(segment);
        }
        gate.countDown();

        assertArrayEquals(withPlainHeader(first), nextWritten());
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        int writes = 0;
        while (payload.size() < 20 * GSO_SIZE + 100) {
            byte[] written = nextWritten();
            payload.write(written, VirtioNetHeader.LENGTH + HEADERS, written.length - VirtioNetHeader.LENGTH - HEADERS);
            writes++;
        }
        assertArrayEquals(payloadOf(superFrame), payload.toByteArray(), "the payload whole and in order");
        assertTrue(writes < segments.size(), writes + " writes for " + segments.size() + " frames");
        await("every frame counted", () -> counters.framesFromSwitch() == 1 + segments.size());
        assertTrue(counters.joinedFrames() > 0, counters.summary());
    }

    @Test
    void aMalformedOffloadFrameFromTheSwitchIsACountedDropAndNothingIsWritten() throws Exception {
        start(true, Keepalive.REPLY_OFFLOAD);
        byte[] otherAddresses = offloadFrame(superFrame(TAP_MAC, PEER_MAC, 10 * GSO_SIZE));
        otherAddresses[5] ^= 1; // the outer destination is no longer the carried frame's
        byte[] refusedHeader = offloadFrame(superFrame(TAP_MAC, PEER_MAC, 10 * GSO_SIZE));
        refusedHeader[PlainOffloadFrame.PACKET_OFFSET + 4] = 1; // gso_size 1: the kernel would not cut it
        refusedHeader[PlainOffloadFrame.PACKET_OFFSET + 5] = 0;
        fakeSwitch.send(otherAddresses);
        fakeSwitch.send(refusedHeader);
        byte[] marker = frame(TAP_MAC, PEER_MAC, 100);
        fakeSwitch.send(marker);

        assertArrayEquals(withPlainHeader(marker), nextWritten(), "only the frame after them");
        assertNull(tap.written.poll(200, TimeUnit.MILLISECONDS));
        assertEquals(2, counters.drops(LinkCounters.Drop.MALFORMED));
        assertEquals(0, counters.offloadReceived());
        assertEquals(1, counters.framesFromSwitch());
    }

    @Test
    void autoAgainstASwitchThatEchoesNoProbeNeverOffersOffloadAndCutsSuperFramesItself() throws Exception {
        start(true, Keepalive.REPLY_OFFLOAD, PathProof.Mode.AUTO); // answers in kind, but its path drops large datagrams
        Integer probe = fakeSwitch.probes.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(Mtu.MAX_DATAGRAM, probe, "a probe as large as the largest datagram");
        assertEquals(List.of(Keepalive.REQUEST, Keepalive.REQUEST, Keepalive.REQUEST), nextKeepalives(3));

        byte[] superFrame = superFrame(PEER_MAC, TAP_MAC, 20 * GSO_SIZE + 100);
        tap.toVport.add(superFrame);
        assertCutIntoSegments(superFrame, 21);
        assertEquals(0, counters.offloadSent());
    }

    @Test
    void autoOffersOffloadOnceTheSwitchEchoesAProbeAndThenSendsSuperFramesWhole() throws Exception {
        start(true, Keepalive.REPLY_OFFLOAD, PathProof.Mode.AUTO);
        fakeSwitch.echoProbes = true;
        await("an offload offer after an echoed probe", () -> fakeSwitch.keepalives.contains(Keepalive.REQUEST_OFFLOAD));
        awaitMoreReplies();
        byte[] superFrame = superFrame(PEER_MAC, TAP_MAC, 20 * GSO_SIZE + 100);
        tap.toVport.add(superFrame);
        assertArrayEquals(offloadFrame(superFrame), nextDatagram(), "one offload frame");
        assertEquals(1, counters.offloadSent());
    }

    @Test
    void theKeepalivesOfferOffload() throws Exception {
        start(true, NO_ANSWER);
        assertEquals(List.of(Keepalive.REQUEST_OFFLOAD, Keepalive.REQUEST_OFFLOAD, Keepalive.REQUEST_OFFLOAD), nextKeepalives(3));
    }

    @Test
    void withoutOffloadFramesCrossAsTheyAreAndTheKeepalivesAreOrdinaryRequests() throws Exception {
        start(false, Keepalive.REPLY);
        byte[] out = frame(PEER_MAC, TAP_MAC, 1400);
        tap.toVport.add(out);
        assertArrayEquals(out, nextDatagram());

        byte[] in = frame(TAP_MAC, PEER_MAC, 60);
        fakeSwitch.send(in);
        assertArrayEquals(in, nextWritten(), "no virtio_net_hdr in front");
        assertEquals(List.of(Keepalive.REQUEST, Keepalive.REQUEST), nextKeepalives(2));
        assertEquals(0, counters.offloadSent() + counters.offloadReceived());
    }

    private void start(boolean offload, byte answer) throws Exception {
        start(offload, answer, PathProof.Mode.ON);
    }

    private void start(boolean offload, byte answer, PathProof.Mode mode) throws Exception {
        fakeSwitch = new FakeSwitch(answer);
        tap = new MemoryTap(offload);
        HostPort target = new HostPort("127.0.0.1", fakeSwitch.socket.getLocalPort());
        SwitchLink link = SwitchLink.connect(target.resolve(), counters);
        vport = new Vport(tap, link, counters, new Vport.Settings(target, MTU, Duration.ofMillis(100), Duration.ofSeconds(15), mode),
                TAP_MAC, null, new StopSignal());
        vport.start();
        await("the first keepalive, which tells the fake switch where the vport is", () -> fakeSwitch.vport != null);
    }

    /**
     * Waits until three more replies have arrived. The vport counts a reply before it takes in what the reply said, and
     * one reply may have been on its way when the test changed the answer: after three, the last two were told and the
     * second of them taken in.
     */
    private void awaitMoreReplies() throws Exception {
        long before = counters.keepalivesReceived();
        await("three more keepalive replies", () -> counters.keepalivesReceived() >= before + 3);
    }

    /** The super-frame must arrive as {@code segments} ordinary frames, none over the MTU, carrying its payload in order. */
    private void assertCutIntoSegments(byte[] superFrame, int segments) throws Exception {
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        for (int i = 0; i < segments; i++) {
            byte[] segment = nextDatagram();
            ByteBuffer view = ByteBuffer.wrap(segment);
            assertFalse(PlainOffloadFrame.is(view, 0, segment.length), "segment " + i + " is an ordinary frame");
            assertTrue(segment.length <= MTU + EthernetFrame.HEADER_LENGTH, "segment " + i + ": " + segment.length + " bytes");
            assertEquals(PEER_MAC, EthernetFrame.destination(view, 0));
            assertEquals(TAP_MAC, EthernetFrame.source(view, 0));
            payload.write(segment, HEADERS, segment.length - HEADERS);
        }
        assertArrayEquals(payloadOf(superFrame), payload.toByteArray(), "the payload whole and in order");
    }

    private byte[] nextDatagram() throws InterruptedException {
        byte[] datagram = fakeSwitch.datagrams.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(datagram, "a datagram at the switch; " + counters.summary());
        return datagram;
    }

    private byte[] nextWritten() throws InterruptedException {
        byte[] written = tap.written.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(written, "a frame written to the TAP; " + counters.summary());
        return written;
    }

    private List<Byte> nextKeepalives(int count) throws InterruptedException {
        List<Byte> kinds = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Byte kind = fakeSwitch.keepalives.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(kind, "keepalive " + i);
            kinds.add(kind);
        }
        return kinds;
    }

    /** Polls in this thread every 10 ms, as the vport's threads change what {@code condition} reads. */
    private void await(String what, Callable<Boolean> condition) {
        Awaitility.await(what).atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).pollInSameThread()
                .untilAsserted(() -> assertTrue(condition.call(), () -> what + "; " + counters.summary()));
    }

    /** A frame of {@code length} bytes that needs nothing done: addresses, an unused EtherType, counting bytes. */
    private static byte[] frame(long destination, long source, int length) {
        return TestFrames.frame(destination, source, 0x88B6, length);
    }

    /** The frame as a TAP with IFF_VNET_HDR takes and gives it when there is nothing to do: behind an all-zero header. */
    private static byte[] withPlainHeader(byte[] frame) {
        byte[] packet = new byte[VirtioNetHeader.LENGTH + frame.length];
        System.arraycopy(frame, 0, packet, VirtioNetHeader.LENGTH, frame.length);
        return packet;
    }

    private static byte[] superFrame(long destination, long source, int payloadBytes) {
        return TestFrames.tcpSuperFrame(destination, source, GSO_SIZE, payloadBytes);
    }

    private static byte[] payloadOf(byte[] superFrame) {
        return Arrays.copyOfRange(superFrame, VirtioNetHeader.LENGTH + HEADERS, superFrame.length);
    }

    /** The plain format's offload frame around a virtio_net_hdr and frame, as our switch sends it. */
    private static byte[] offloadFrame(byte[] packet) {
        ByteBuffer datagram = ByteBuffer.allocate(PlainOffloadFrame.PACKET_OFFSET + packet.length);
        datagram.put(PlainOffloadFrame.PACKET_OFFSET, packet);
        PlainOffloadFrame.writeHeader(datagram, 0);
        return datagram.array();
    }

    /** The switch's side: keeps what the vport sends, and answers its keepalive requests as told. */
    private static final class FakeSwitch implements AutoCloseable {

        final DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        /** Every datagram but the keepalives. */
        final BlockingQueue<byte[]> datagrams = new LinkedBlockingQueue<>();
        /** The kind of each keepalive received. */
        final BlockingQueue<Byte> keepalives = new LinkedBlockingQueue<>();
        /** The kind of reply to each request, or {@link #NO_ANSWER}. */
        volatile byte answer;
        /** Whether path probes are echoed, as our switch does (the seed's does not). */
        volatile boolean echoProbes;
        /** The length of each path probe received. */
        final BlockingQueue<Integer> probes = new LinkedBlockingQueue<>();
        /** Where the vport sends from; null until its first datagram. */
        volatile SocketAddress vport;
        private volatile boolean running = true;
        private final Thread thread = new Thread(this::receive, "fake-switch");

        FakeSwitch(byte answer) throws IOException {
            this.answer = answer;
            socket.setSoTimeout(100);
            thread.setDaemon(true);
            thread.start();
        }

        void send(byte[] datagram) throws IOException {
            socket.send(new DatagramPacket(datagram, datagram.length, vport));
        }

        private void receive() {
            byte[] buffer = new byte[Mtu.MAX_DATAGRAM];
            try {
                while (running) {
                    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    try {
                        socket.receive(packet);
                    } catch (SocketTimeoutException e) {
                        continue;
                    }
                    vport = packet.getSocketAddress();
                    byte[] datagram = Arrays.copyOf(buffer, packet.getLength());
                    ByteBuffer view = ByteBuffer.wrap(datagram);
                    byte kind = Keepalive.kind(view, 0, datagram.length);
                    if (kind == 0) {
                        datagrams.add(datagram);
                        continue;
                    }
                    if (kind == Keepalive.PROBE) {
                        probes.add(datagram.length);
                        if (echoProbes) {
                            ByteBuffer echo = ByteBuffer.allocate(datagram.length);
                            Keepalive.writeProbeReply(echo, EthernetFrame.source(view, 0), datagram.length);
                            send(echo.array());
                        }
                        continue;
                    }
                    keepalives.add(kind);
                    byte reply = answer;
                    if (reply != NO_ANSWER) {
                        ByteBuffer out = ByteBuffer.allocate(Keepalive.LENGTH);
                        Keepalive.writeReply(out, EthernetFrame.source(view, 0), reply == Keepalive.REPLY_OFFLOAD);
                        send(out.array());
                    }
                }
            } catch (IOException e) {
                // closed at the end of the test
            }
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(5_000);
            socket.close();
        }
    }
}
