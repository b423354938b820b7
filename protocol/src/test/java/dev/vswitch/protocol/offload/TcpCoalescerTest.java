package dev.vswitch.protocol.offload;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

import static dev.vswitch.protocol.offload.Frames.ACK;
import static dev.vswitch.protocol.offload.Frames.PSH;
import static dev.vswitch.protocol.offload.Frames.VIRTIO;
import static dev.vswitch.protocol.offload.Frames.put16;
import static dev.vswitch.protocol.offload.Frames.put32;
import static dev.vswitch.protocol.offload.Frames.split;
import static dev.vswitch.protocol.offload.Frames.tcp;
import static dev.vswitch.protocol.offload.Frames.udp4;
import static dev.vswitch.protocol.offload.Frames.u16;
import static dev.vswitch.protocol.offload.Frames.u32;
import static dev.vswitch.protocol.offload.Segments.assertGsoPiece;
import static dev.vswitch.protocol.offload.Segments.assertSegmentsOf;
import static dev.vswitch.protocol.offload.VirtioNetHeader.GSO_TCPV4;
import static dev.vswitch.protocol.offload.VirtioNetHeader.GSO_TCPV6;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Segments cut from a super-frame (by {@link Segmenter}, which {@link SegmenterTest} checks against the kernel's
 * rules) are joined back into that super-frame: the joined packet is exactly the GSO piece of all of it, and
 * segmenting it again gives the same segments. What must not be joined goes out alone, unchanged and in order.
 */
class TcpCoalescerTest {

    private static final int GSO_SIZE = 1354;
    /** Where the TCP header of an untagged IPv4 frame starts in a packet. */
    private static final int TCP4 = VIRTIO + 14 + 20;

    private final Random random = new Random(7);
    private final Segmenter segmenter = new Segmenter(false);
    private final List<Write> writes = new ArrayList<>();
    private final TcpCoalescer coalescer = new TcpCoalescer((packet, frames, frameBytes) -> {
        assertEquals(0, packet.position(), "a packet starts at position 0");
        byte[] copy = new byte[packet.limit()];
        packet.get(0, copy);
        writes.add(new Write(copy, frames, frameBytes));
    });

    private record Write(byte[] packet, int frames, int frameBytes) {
    }

    @Test
    void joinsTheSegmentsOfASuperFrameBackIntoIt() {
        for (boolean v4 : new boolean[] {true, false}) {
            for (boolean vlan : new boolean[] {false, true}) {
                writes.clear();
                byte[] superFrame = tcp(v4, vlan, false, payload(10_000), v4 ? GSO_TCPV4 : GSO_TCPV6, GSO_SIZE,
                        ACK | PSH);
                List<byte[]> segments = split(segmenter, superFrame, 1, 65_536);
                addAll(segments);
                assertEquals(List.of(), writes, "nothing leaves before the flush");
                coalescer.flush();

                assertEquals(1, writes.size(), "one write");
                Write joined = writes.get(0);
                assertEquals(segments.size(), joined.frames);
                assertEquals(segments.stream().mapToInt(s -> s.length - VIRTIO).sum(), joined.frameBytes);
                assertGsoPiece(superFrame, joined.packet, 0, true);
                assertSegmentsOf(superFrame, split(segmenter, joined.packet, 1, 65_536));
            }
        }
    }

    @Test
    void aFrameHeldAloneLeavesAsItCame() {
        byte[] segment = segmentsOf(2_000).get(0);
        add(segment);
        coalescer.flush();
        coalescer.flush();
        assertEquals(1, writes.size(), "a second flush has nothing to send");
        assertArrayEquals(segment, writes.get(0).packet);
        assertEquals(1, writes.get(0).frames);
    }

    @Test
    void otherFramesLeaveAloneUnchangedAndInOrder() {
        List<byte[]> segments = segmentsOf(6 * GSO_SIZE);
        byte[] udp = completed(udp4(payload(300)));
        add(segments.get(0));
        add(segments.get(1));
        add(udp);
        add(segments.get(2));
        add(segments.get(3));
        coalescer.flush();

        assertEquals(List.of(2, 1, 2), frameCounts());
        assertArrayEquals(udp, writes.get(1).packet, "the UDP frame, as it came");
        assertEquals(2 * GSO_SIZE, payloadOf(writes.get(2).packet), "the TCP segments after it join again");
    }

    @Test
    void aGapInTheSequenceStartsANewSuperFrame() {
        List<byte[]> segments = segmentsOf(6 * GSO_SIZE);
        add(segments.get(0));
        add(segments.get(1));
        add(segments.get(3)); // segment 2 was lost
        add(segments.get(4));
        add(segments.get(2)); // and arrives late
        coalescer.flush();
        assertEquals(List.of(2, 2, 1), frameCounts());
    }

    @Test
    void aSegmentWithPshOrAShortOneEndsTheSuperFrame() {
        List<byte[]> segments = segmentsOf(6 * GSO_SIZE);
        byte[] pushed = withFlags(segments.get(1), ACK | PSH);
        add(segments.get(0));
        add(pushed);
        add(segments.get(2));
        coalescer.flush();
        assertEquals(List.of(2, 1), frameCounts(), "nothing follows a PSH");
        assertEquals(ACK | PSH, writes.get(0).packet[TCP4 + 13], "the super-frame carries the PSH");

        writes.clear();
        List<byte[]> shortLast = segmentsOf(2 * GSO_SIZE + 100);
        addAll(shortLast);
        add(withSequence(segmentsOf(2 * GSO_SIZE).get(0), 2 * GSO_SIZE + 100)); // the next sequence number
        coalescer.flush();
        assertEquals(List.of(3, 1), frameCounts());
    }

    @Test
    void aLongerSegmentDoesNotFollowAShorterOne() {
        List<byte[]> small = segmentsOf(4 * 1000, 1000);
        byte[] large = segmentsOf(4 * 2000, 2000).get(0);
        add(small.get(0));
        add(withSequence(large, 1000)); // the next sequence number, but longer than the first
        coalescer.flush();
        assertEquals(List.of(1, 1), frameCounts());
    }

    @Test
    void framesTheKernelWouldNotJoinLeaveAlone() {
        List<byte[]> segments = segmentsOf(3 * GSO_SIZE);
        byte[] otherAck = segments.get(1).clone();
        put32(otherAck, TCP4 + 8, u32(otherAck, TCP4 + 8) + 1);
        assertNotJoined(segments.get(0), completed(otherAck), "another acknowledgement number");

        for (int flag : new int[] {0x01, 0x02, 0x04, 0x20, 0x40, 0x80}) {
            assertNotJoined(segments.get(0), withFlags(segments.get(1), ACK | flag), "flag " + flag);
        }
        byte[] otherTtl = segments.get(1).clone();
        otherTtl[VIRTIO + 14 + 8] = 63;
        assertNotJoined(segments.get(0), completed(otherTtl), "another TTL");

        byte[] otherPort = segments.get(1).clone();
        put16(otherPort, TCP4 + 2, 5202);
        assertNotJoined(segments.get(0), completed(otherPort), "another port");

        byte[] badChecksum = segments.get(1).clone();
        badChecksum[badChecksum.length - 1] ^= 1;
        assertNotJoined(segments.get(0), badChecksum, "a bad TCP checksum");
        assertArrayEquals(badChecksum, writes.get(1).packet, "left for the kernel to drop, as it came");

        byte[] fragment = segments.get(1).clone();
        put16(fragment, VIRTIO + 14 + 6, 0x2000); // more fragments follow
        assertNotJoined(segments.get(0), completed(fragment), "a fragment");
    }

    @Test
    void aSuperFrameStaysWithinTheLargestIpPacket() {
        byte[] superFrame = tcp(true, false, false, payload(60 * 1448), GSO_TCPV4, 1448, ACK);
        addAll(split(segmenter, superFrame, 1, 65_536));
        coalescer.flush();
        int largestIp = writes.stream().mapToInt(w -> u16(w.packet, VIRTIO + 14 + 2)).max().orElseThrow();
        assertEquals(List.of(45, 15), frameCounts(), "45 x 1448 bytes and headers fit in 65,535");
        assertEquals(20 + 32 + 45 * 1448, largestIp);
        List<byte[]> again = new ArrayList<>();
        for (Write write : writes) {
            again.addAll(split(segmenter, write.packet, 1, 65_536));
        }
        assertSegmentsOf(superFrame, again);
    }

    @Test
    void theSuperFrameAdvertisesTheLatestWindow() {
        List<byte[]> segments = segmentsOf(3 * GSO_SIZE);
        byte[] last = segments.get(2).clone();
        put16(last, TCP4 + 14, 777);
        add(segments.get(0));
        add(segments.get(1));
        add(completed(last));
        coalescer.flush();
        assertEquals(List.of(3), frameCounts());
        assertEquals(777, u16(writes.get(0).packet, TCP4 + 14));
    }

    @Test
    void hostileBytesNeverMakeItThrowAndEveryFrameLeavesOnce() {
        List<byte[]> segments = segmentsOf(8 * GSO_SIZE);
        int added = 0;
        for (int round = 0; round < 5_000; round++) {
            byte[] packet;
            if (round % 2 == 0) {
                packet = new byte[VIRTIO + random.nextInt(1_600)];
                random.nextBytes(packet);
                Arrays.fill(packet, 0, VIRTIO, (byte) 0);
            } else { // a real segment with a few bytes changed, checksums made right half of the time
                packet = segments.get(random.nextInt(segments.size())).clone();
                for (int i = 0; i < 3; i++) {
                    packet[VIRTIO + random.nextInt(packet.length - VIRTIO)] = (byte) random.nextInt();
                }
                packet = random.nextBoolean() ? completed(packet) : packet;
            }
            add(packet);
            added++;
        }
        coalescer.flush();
        assertEquals(added, writes.stream().mapToInt(Write::frames).sum(), "every frame leaves, once");
    }

    private void assertNotJoined(byte[] first, byte[] second, String what) {
        writes.clear();
        add(first);
        add(second);
        coalescer.flush();
        assertEquals(List.of(1, 1), frameCounts(), what);
    }

    private List<byte[]> segmentsOf(int payloadBytes) {
        return segmentsOf(payloadBytes, GSO_SIZE);
    }

    private List<byte[]> segmentsOf(int payloadBytes, int gsoSize) {
        return split(segmenter, tcp(true, false, false, payload(payloadBytes), GSO_TCPV4, gsoSize, ACK), 1, 65_536);
    }

    private List<Integer> frameCounts() {
        return writes.stream().map(Write::frames).toList();
    }

    private void addAll(List<byte[]> packets) {
        packets.forEach(this::add);
    }

    /** Each from a fresh direct buffer (as the vport opens them) overwritten afterwards: the coalescer must copy. */
    private void add(byte[] packet) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(packet.length).put(0, packet);
        coalescer.add(buffer);
        buffer.put(0, new byte[packet.length]);
    }

    private static int payloadOf(byte[] packet) {
        return packet.length - TCP4 - Frames.TCP_HEADER;
    }

    private static byte[] withFlags(byte[] segment, int flags) {
        byte[] copy = segment.clone();
        copy[TCP4 + 13] = (byte) flags;
        return completed(copy);
    }

    /** The segment moved to the sequence number {@code sequenceOffset} bytes into the stream. */
    private static byte[] withSequence(byte[] segment, long sequenceOffset) {
        byte[] copy = segment.clone();
        put32(copy, TCP4 + 4, Frames.SEQ + sequenceOffset);
        return completed(copy);
    }

    /** A plain, complete frame as the vport opens it: virtio header zero, checksums right for what a test changed. */
    private static byte[] completed(byte[] packet) {
        byte[] copy = packet.clone();
        int ip = VIRTIO + 14;
        boolean tcp = copy[ip + 9] == 6;
        int l4 = ip + 20;
        put16(copy, ip + 10, 0);
        put16(copy, ip + 10, ~Frames.sum(copy, ip, l4));
        int field = l4 + (tcp ? 16 : 6);
        Arrays.fill(copy, 0, VIRTIO, (byte) 0);
        put16(copy, field, 0);
        int pseudo = Frames.pseudoHeaderSum(copy, tcp ? 6 : 17, copy.length - l4);
        put16(copy, field, ~Frames.add(pseudo, Frames.sum(copy, l4, copy.length)));
        return copy;
    }

    private byte[] payload(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
