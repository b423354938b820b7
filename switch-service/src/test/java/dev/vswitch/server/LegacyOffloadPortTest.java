package dev.vswitch.server;

import dev.vswitch.protocol.testing.TestFrames;

import dev.vswitch.protocol.Keepalive;
import dev.vswitch.protocol.offload.PlainOffloadFrame;
import dev.vswitch.switching.DropReason;
import io.netty.buffer.PooledByteBufAllocatorMetric;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static dev.vswitch.server.OffloadFrames.VIRTIO_HEADER;
import static dev.vswitch.server.OffloadFrames.superFrame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Offload frames on the legacy plaintext port ({@code vport --legacy --offload}), from real UDP sockets on loopback: a
 * TCP super-frame goes whole to a vport whose keepalives asked for offload frames, and in checked segments to a seed-style
 * vport; a malformed one is a counted drop.
 */
@QuarkusTest
class LegacyOffloadPortTest {

    private static final AtomicLong MACS = new AtomicLong(0x02_00_00_00_30_00L);
    private static final int GSO_SIZE = 1000;
    private static final int SEGMENTS = 5;
    /** A TCP payload whose offload frame comes close to the largest UDP payload. */
    private static final int LARGEST_PAYLOAD = 65_000;

    @Inject
    SwitchService switchService;

    private VportSocket sender;
    private VportSocket seed;
    private VportSocket offloadPeer;
    private final byte[] payload = new byte[SEGMENTS * GSO_SIZE - 300];

    @BeforeEach
    void attach() throws Exception {
        sender = attached(true);
        seed = attached(false);
        offloadPeer = attached(true);
        new Random(11).nextBytes(payload);
    }

    @AfterEach
    void detach() {
        sender.close();
        seed.close();
        offloadPeer.close();
    }

    /** The segments leave in one UDP GSO send, which the kernel cuts into the datagrams the seed's vport reads. */
    @Test
    void aSuperFrameGoesWholeToAnOffloadVportAndInCheckedSegmentsToASeedVport() throws Exception {
        long segmentedSends = switchService.legacySegmentedSends();
        sender.send(offloadFrame(superFrame(sender.mac, seed.mac, payload, GSO_SIZE)));
        assertSegments(seed);
        assertEquals(segmentedSends + 1, switchService.legacySegmentedSends(), "the " + SEGMENTS + " segments in one send");
        assertTrue(offloadPeer.staysSilent(), "known unicast goes to its port only");

        byte[] whole = offloadFrame(superFrame(sender.mac, offloadPeer.mac, payload, GSO_SIZE));
        sender.send(whole);
        assertArrayEquals(whole, offloadPeer.receive(), "an offload vport gets the offload frame as it was sent");
        assertTrue(seed.staysSilent());
    }

    @Test
    void aFloodedSuperFrameReachesEachPortInTheFormItTakes() throws Exception {
        long unknown = MACS.incrementAndGet();
        byte[] whole = offloadFrame(superFrame(sender.mac, unknown, payload, GSO_SIZE));
        sender.send(whole);
        assertArrayEquals(whole, offloadPeer.receive());
        assertSegments(seed);
        assertTrue(sender.staysSilent(), "a flood never goes back to its sender");
    }

    @Test
    void aCarriedFrameThatNeedsNothingGoesToASeedVportAsItIs() throws Exception {
        byte[] frame = TestFrames.frame(seed.mac, sender.mac, 0x0800, 600);
        byte[] packet = new byte[VIRTIO_HEADER + frame.length]; // an all-zero virtio_net_hdr: nothing to do
        System.arraycopy(frame, 0, packet, VIRTIO_HEADER, frame.length);
        sender.send(offloadFrame(packet));
        assertArrayEquals(frame, seed.receive());
    }

    @Test
    void aVportThatStopsAskingGetsSegmentsAgain() throws Exception {
        offloadPeer.sendKeepalive(false);
        assertEquals(Keepalive.REPLY, kind(offloadPeer.receive()), "the switch answers a plain keepalive plainly");
        sender.send(offloadFrame(superFrame(sender.mac, offloadPeer.mac, payload, GSO_SIZE)));
        assertSegments(offloadPeer);
    }

    @Test
    void malformedOffloadFramesAreCountedDropsAndForwardingGoesOn() throws Exception {
        long malformed = switchService.inspect(SwitchService.LEGACY_NETWORK, n -> n.counters().drops(DropReason.MALFORMED),
                Duration.ofSeconds(2));
        sender.send(offloadFrame(superFrame(sender.mac, seed.mac, new byte[4000], 8))); // segments too small to cut
        byte[] spoofed = offloadFrame(superFrame(sender.mac, seed.mac, payload, GSO_SIZE));
        spoofed[PlainOffloadFrame.OVERHEAD + 11] ^= 1; // the carried frame's source is not the one switched by
        sender.send(spoofed);
        sender.send(Arrays.copyOf(offloadFrame(superFrame(sender.mac, seed.mac, payload, GSO_SIZE)),
                PlainOffloadFrame.OVERHEAD + 20)); // cut inside the IP header
        assertTrue(seed.staysSilent(), "nothing of a malformed offload frame is forwarded");

        sender.send(offloadFrame(superFrame(sender.mac, seed.mac, payload, GSO_SIZE)));
        assertSegments(seed);
        long after = switchService.inspect(SwitchService.LEGACY_NETWORK, n -> n.counters().drops(DropReason.MALFORMED),
                Duration.ofSeconds(2));
        assertEquals(malformed + 3, after);
    }

    @Test
    void theLargestMessagesAreReadAndSentFromOnePooledChunk() throws Exception {
        byte[] largest = new byte[LARGEST_PAYLOAD];
        new Random(12).nextBytes(largest);
        for (int i = 0; i < 20; i++) {
            byte[] whole = offloadFrame(superFrame(sender.mac, offloadPeer.mac, largest, GSO_SIZE));
            sender.send(whole);
            assertArrayEquals(whole, offloadPeer.receive());
        }
        PooledByteBufAllocatorMetric pool = switchService.udpBufferPool();
        assertEquals(0, pool.directArenas().get(0).numHugeAllocations(),
                "no read or send buffer is too large for the pool, so none is allocated and zeroed afresh");
        assertEquals(pool.chunkSize(), pool.usedDirectMemory(), "one chunk, kept, serves them all");
    }

    /** A vport socket whose keepalive the switch answered, in kind. */
    private VportSocket attached(boolean offload) throws Exception {
        VportSocket vport = new VportSocket(MACS.incrementAndGet(), switchService.legacyUdpPort());
        vport.sendKeepalive(offload);
        assertEquals(offload ? Keepalive.REPLY_OFFLOAD : Keepalive.REPLY, kind(vport.receive()));
        return vport;
    }

    private void assertSegments(VportSocket to) throws Exception {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        for (int i = 0; i < SEGMENTS; i++) {
            OffloadFrames.checkSegment(to.receive(), i, GSO_SIZE, received);
        }
        assertArrayEquals(payload, received.toByteArray(), "the segments carry the payload in order");
        assertTrue(to.staysSilent(), "one frame per segment, nothing more");
    }

    private static byte[] offloadFrame(byte[] packet) {
        ByteBuffer datagram = ByteBuffer.allocate(PlainOffloadFrame.PACKET_OFFSET + packet.length);
        datagram.put(PlainOffloadFrame.PACKET_OFFSET, packet);
        PlainOffloadFrame.writeHeader(datagram, 0);
        return datagram.array();
    }

    private static byte kind(byte[] datagram) {
        return Keepalive.kind(ByteBuffer.wrap(datagram), 0, datagram.length);
    }
}
