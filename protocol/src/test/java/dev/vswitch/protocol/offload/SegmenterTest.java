package dev.vswitch.protocol.offload;

import dev.vswitch.protocol.offload.Segments.Layout;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static dev.vswitch.protocol.offload.Frames.ACK;
import static dev.vswitch.protocol.offload.Frames.CWR;
import static dev.vswitch.protocol.offload.Frames.FIN;
import static dev.vswitch.protocol.offload.Frames.PSH;
import static dev.vswitch.protocol.offload.Frames.VIRTIO;
import static dev.vswitch.protocol.offload.Frames.split;
import static dev.vswitch.protocol.offload.Frames.tcp;
import static dev.vswitch.protocol.offload.Segments.assertGsoPiece;
import static dev.vswitch.protocol.offload.Segments.assertSegmentsOf;
import static dev.vswitch.protocol.offload.VirtioNetHeader.GSO_NONE;
import static dev.vswitch.protocol.offload.VirtioNetHeader.GSO_TCPV4;
import static dev.vswitch.protocol.offload.VirtioNetHeader.GSO_TCPV6;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SegmenterTest {

    private static final int GSO_SIZE = 1354;
    private static final int ALL_FLAGS = ACK | PSH | FIN | CWR;

    private final Random random = new Random(42);
    private final Segmenter segmenter = new Segmenter(false);

    @Test
    void segmentsAnIpv4SuperFrameLikeTheKernel() {
        byte[] packet = tcp(true, false, false, payload(10_000), GSO_TCPV4, GSO_SIZE, ALL_FLAGS);
        assertEquals(8, Layout.of(packet).segments());
        assertSegmentsOf(packet, split(segmenter, packet, 1, 65_536));
    }

    @Test
    void segmentsAnIpv6SuperFrame() {
        byte[] packet = tcp(false, false, false, payload(10_000), GSO_TCPV6, GSO_SIZE, ALL_FLAGS);
        assertSegmentsOf(packet, split(segmenter, packet, 1, 65_536));
    }

    @Test
    void segmentsVlanTaggedSuperFrames() {
        byte[] v4 = tcp(true, true, false, payload(10_000), GSO_TCPV4, GSO_SIZE, ALL_FLAGS);
        assertSegmentsOf(v4, split(segmenter, v4, 1, 65_536));
        byte[] v6 = tcp(false, true, false, payload(10_000), GSO_TCPV6, GSO_SIZE, ALL_FLAGS);
        assertSegmentsOf(v6, split(segmenter, v6, 1, 65_536));
    }

    @Test
    void segmentsBehindIpv6ExtensionHeaders() {
        byte[] packet = tcp(false, false, true, payload(5_000), GSO_TCPV6, 1000, ACK | PSH);
        assertSegmentsOf(packet, split(segmenter, packet, 1, 65_536));
    }

    @Test
    void readsPacketsInAnyBufferAtAnyOffset() {
        byte[] packet = tcp(true, true, false, payload(7_777), GSO_TCPV4, 1000, ALL_FLAGS);
        List<byte[]> expected = split(segmenter, packet, 1, 65_536);
        for (boolean directScratch : new boolean[] {false, true}) {
            Segmenter s = new Segmenter(directScratch);
            for (boolean direct : new boolean[] {false, true}) {
                for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
                    ByteBuffer buffer = Frames.place(packet, 5, direct, order);
                    Frames.Collector collector = new Frames.Collector();
                    assertEquals(8, s.split(buffer, 5, packet.length, 1, 65_536, collector));
                    assertEquals(expected.size(), collector.pieces.size());
                    for (int i = 0; i < expected.size(); i++) {
                        assertArrayEquals(expected.get(i), collector.pieces.get(i), "piece " + i);
                    }
                    assertEquals(order, buffer.order(), "the caller's byte order is left alone");
                    assertEquals(Layout.of(packet).headerLength() + 1000,
                            Segmenter.segmentFrameLength(buffer, 5, packet.length));
                }
            }
        }
    }

    @Test
    void aSuperFrameOfOneShortSegmentComesOutComplete() {
        byte[] packet = tcp(true, false, false, payload(500), GSO_TCPV4, GSO_SIZE, ALL_FLAGS);
        List<byte[]> pieces = split(segmenter, packet, 3, 65_536);
        assertSegmentsOf(packet, pieces);
        assertEquals(packet.length - VIRTIO, Segmenter.segmentFrameLength(ByteBuffer.wrap(packet), 0, packet.length));
    }

    @Test
    void segmentFrameLengthIsTheLargestSegment() {
        byte[] packet = tcp(false, true, false, payload(10_000), GSO_TCPV6, GSO_SIZE, ACK);
        int headerLength = 18 + 40 + Frames.TCP_HEADER;
        assertEquals(headerLength + GSO_SIZE, Segmenter.segmentFrameLength(ByteBuffer.wrap(packet), 0, packet.length));
        assertEquals(headerLength + GSO_SIZE, split(segmenter, packet, 1, 65_536).get(0).length - VIRTIO);
    }

    @Test
    void gsoPiecesResegmentToTheSameSegments() {
        for (boolean v4 : new boolean[] {true, false}) {
            byte[] packet = tcp(v4, false, false, payload(10_000), v4 ? GSO_TCPV4 : GSO_TCPV6, GSO_SIZE, ALL_FLAGS);
            List<byte[]> direct = split(segmenter, packet, 1, 65_536);
            List<byte[]> pieces = split(segmenter, packet, 3, 65_536);
            assertEquals(3, pieces.size(), "8 segments by 3");
            List<byte[]> again = new ArrayList<>();
            for (int i = 0; i < pieces.size(); i++) {
                assertGsoPiece(packet, pieces.get(i), 3 * i, i == pieces.size() - 1);
                again.addAll(split(segmenter, pieces.get(i), 1, 65_536));
            }
            assertSameFrames(direct, again);
        }
    }

    @Test
    void maxPieceFrameBytesLimitsEachPiece() {
        byte[] packet = tcp(true, false, false, payload(10_000), GSO_TCPV4, GSO_SIZE, ALL_FLAGS);
        int headerLength = Layout.of(packet).headerLength();
        List<byte[]> pairs = split(segmenter, packet, 100, headerLength + 2 * GSO_SIZE + 100);
        assertEquals(4, pairs.size(), "two segments a piece");
        for (byte[] piece : pairs) {
            assertTrue(piece.length - VIRTIO <= headerLength + 2 * GSO_SIZE);
        }
        assertEquals(8, split(segmenter, packet, 100, 100).size(), "at least one segment a piece");
        List<byte[]> whole = split(segmenter, packet, 100, Integer.MAX_VALUE);
        assertEquals(1, whole.size());
        assertGsoPiece(packet, whole.get(0), 0, true);
    }

    @Test
    void piecesNeverOutgrowTheScratch() {
        // 65,586 frame bytes: more than a piece may hold, so even unlimited pieces come out as two
        byte[] packet = tcp(false, false, false, payload(65_500), GSO_TCPV6, 1000, ALL_FLAGS);
        List<byte[]> pieces = split(segmenter, packet, Integer.MAX_VALUE, Integer.MAX_VALUE);
        assertEquals(2, pieces.size());
        assertTrue(pieces.get(0).length - VIRTIO <= 65_536);
        assertGsoPiece(packet, pieces.get(0), 0, false);
        assertSegmentsOf(packet, resegment(pieces));
    }

    @Test
    void completesTheChecksumOfAUdpFrame() {
        byte[] packet = Frames.udp4(payload(999));
        List<byte[]> pieces = split(segmenter, packet, 1, 65_536);
        assertEquals(1, pieces.size());
        byte[] frame = pieces.get(0);
        assertArrayEquals(new byte[VIRTIO], Arrays.copyOf(frame, VIRTIO), "plain virtio header");
        assertEquals(0xFFFF, Frames.add(Frames.pseudoHeaderSum(frame, 17, frame.length - VIRTIO - 34),
                Frames.sum(frame, VIRTIO + 34, frame.length)), "UDP checksum");
        byte[] rest = frame.clone();
        rest[VIRTIO + 40] = packet[VIRTIO + 40];
        rest[VIRTIO + 41] = packet[VIRTIO + 41];
        assertArrayEquals(Arrays.copyOfRange(packet, VIRTIO, packet.length), Arrays.copyOfRange(rest, VIRTIO,
                rest.length), "only the checksum changes");
    }

    @Test
    void aUdpChecksumOfZeroIsSentAsAllOnes() {
        byte[] packet = Frames.udp4(new byte[100]);
        // choose the last payload word so that the data sums to 0xFFFF: the checksum would be 0, "none" to UDP
        int partial = Frames.sum(packet, VIRTIO + 34, packet.length);
        Frames.put16(packet, packet.length - 2, 0xFFFF - partial);
        List<byte[]> pieces = split(segmenter, packet, 1, 65_536);
        byte[] frame = pieces.get(0);
        assertEquals(0xFFFF, Frames.u16(frame, VIRTIO + 40));
        assertEquals(0xFFFF, Frames.add(Frames.pseudoHeaderSum(frame, 17, 108), Frames.sum(frame, VIRTIO + 34,
                frame.length)), "UDP checksum");
    }

    @Test
    void completesTheChecksumOfATcpFrameWithoutGso() {
        for (boolean v4 : new boolean[] {true, false}) {
            byte[] packet = tcp(v4, !v4, false, payload(301), GSO_NONE, 0, ACK);
            List<byte[]> pieces = split(segmenter, packet, 1, 65_536);
            assertEquals(1, pieces.size());
            assertEquals(packet.length - VIRTIO, Segmenter.segmentFrameLength(ByteBuffer.wrap(packet), 0,
                    packet.length));
            byte[] frame = pieces.get(0);
            int l4 = Layout.of(packet).l4();
            assertArrayEquals(new byte[VIRTIO], Arrays.copyOf(frame, VIRTIO), "plain virtio header");
            assertEquals(0xFFFF, Frames.add(Frames.pseudoHeaderSum(frame, 6, frame.length - VIRTIO - l4),
                    Frames.sum(frame, VIRTIO + l4, frame.length)), "TCP checksum");
        }
    }

    @Test
    void aPlainPacketComesOutUnchanged() {
        for (int flags : new int[] {0, VirtioNetHeader.F_DATA_VALID}) {
            byte[] packet = tcp(true, false, false, payload(1400), GSO_NONE, 0, ACK);
            Frames.virtio(packet, flags, GSO_NONE, 0, 0, 0, 0);
            List<byte[]> pieces = split(segmenter, packet, 1, 100);
            assertEquals(1, pieces.size());
            assertArrayEquals(packet, pieces.get(0));
        }
    }

    @Test
    void stopsWhenTheSinkSaysSo() {
        byte[] packet = tcp(true, false, false, payload(10_000), GSO_TCPV4, GSO_SIZE, ALL_FLAGS);
        int[] calls = {0};
        int pieces = segmenter.split(ByteBuffer.wrap(packet), 0, packet.length, 1, 65_536, piece -> ++calls[0] < 2);
        assertEquals(2, pieces, "the piece refused still counts: it was emitted");
        assertEquals(2, calls[0]);
    }

    @Test
    void theFastChecksumAgreesWithTheByteByByteOne() {
        byte[] bytes = payload(4_000);
        for (boolean direct : new boolean[] {false, true}) {
            ByteBuffer buffer = Frames.place(bytes, 0, direct, ByteOrder.BIG_ENDIAN);
            for (int i = 0; i < 2_000; i++) {
                int from = random.nextInt(bytes.length);
                int to = from + random.nextInt(Math.min(bytes.length - from, i % 2 == 0 ? 20 : 4_000) + 1);
                assertEquals(Frames.sum(bytes, from, to), Segmenter.fold(Segmenter.sum(buffer, from, to)),
                        "sum of [" + from + ", " + to + ")");
            }
            byte[] ones = new byte[65_536];
            Arrays.fill(ones, (byte) 0xFF);
            assertEquals(0xFFFF, Segmenter.fold(Segmenter.sum(Frames.place(ones, 0, direct, ByteOrder.BIG_ENDIAN),
                    0, ones.length)), "the largest sum folds without overflow");
        }
    }

    private List<byte[]> resegment(List<byte[]> pieces) {
        List<byte[]> segments = new ArrayList<>();
        for (byte[] piece : pieces) {
            segments.addAll(split(segmenter, piece, 1, 65_536));
        }
        return segments;
    }

    private static void assertSameFrames(List<byte[]> expected, List<byte[]> actual) {
        assertEquals(expected.size(), actual.size(), "frames");
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), "frame " + i);
        }
    }

    private byte[] payload(int length) {
        byte[] payload = new byte[length];
        random.nextBytes(payload);
        return payload;
    }
}
