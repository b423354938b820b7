package dev.vswitch.protocol.offload;

import dev.vswitch.protocol.offload.Segments.Layout;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Random;
import java.util.function.Consumer;

import static dev.vswitch.protocol.offload.Frames.ACK;
import static dev.vswitch.protocol.offload.Frames.VIRTIO;
import static dev.vswitch.protocol.offload.Frames.le16;
import static dev.vswitch.protocol.offload.Frames.put16;
import static dev.vswitch.protocol.offload.Frames.tcp;
import static dev.vswitch.protocol.offload.VirtioNetHeader.F_NEEDS_CSUM;
import static dev.vswitch.protocol.offload.VirtioNetHeader.GSO_NONE;
import static dev.vswitch.protocol.offload.VirtioNetHeader.GSO_TCPV4;
import static dev.vswitch.protocol.offload.VirtioNetHeader.GSO_TCPV6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** What the kernel would not segment is refused with -1, nothing emitted; no input bytes make the segmenter throw. */
class SegmenterRefusalTest {

    private final Random random = new Random(7);
    private final Segmenter segmenter = new Segmenter(true);

    @Test
    void refusesTruncatedSuperFramesUntilAPayloadByteIsLeft() {
        byte[] packet = tcp(true, true, false, payload(3_000), GSO_TCPV4, 1000, ACK);
        int headerLength = Layout.of(packet).headerLength();
        for (int length = 0; length <= packet.length; length++) {
            int payload = length - VIRTIO - headerLength;
            int expected = payload > 0 ? (payload + 999) / 1000 : -1;
            assertEquals(expected, split(packet, length), "truncated to " + length);
        }
    }

    @Test
    void refusesWhatTheKernelWouldNotSegment() {
        refuses("ARP EtherType", p -> put16(p, VIRTIO + 12, 0x0806));
        refuses("IPv6 GSO type on IPv4", p -> p[1] = GSO_TCPV6);
        refuses("IPv4 GSO type on IPv6", p -> p[1] = GSO_TCPV4, false);
        refuses("IP version 6 in an IPv4 EtherType", p -> p[VIRTIO + 14] = 0x65);
        refuses("IHL 4", p -> p[VIRTIO + 14] = 0x44);
        refuses("IHL 6 past csum_start", p -> p[VIRTIO + 14] = 0x46);
        refuses("UDP in the IPv4 header", p -> p[VIRTIO + 23] = 17);
        refuses("UDP in the IPv6 header", p -> p[VIRTIO + 20] = 17, false);
        refuses("csum_start inside the IPv4 header", p -> csumStart(p, 30));
        refuses("csum_start past the IPv4 header", p -> csumStart(p, 38));
        refuses("csum_start inside the IPv6 header", p -> csumStart(p, 50), false);
        refuses("csum_start past the frame", p -> csumStart(p, 60_000), false);
        refuses("csum_start 0xFFFF", p -> csumStart(p, 0xFFFF), false);
        refuses("csum_offset of UDP", p -> p[8] = 6);
        refuses("gso_size below the minimum", p -> Frames.virtio(p, F_NEEDS_CSUM, GSO_TCPV4, 0,
                Segmenter.MIN_GSO_SIZE - 1, 34, 16));
        refuses("gso_size 0", p -> Frames.virtio(p, F_NEEDS_CSUM, GSO_TCPV4, 0, 0, 34, 16));
        refuses("ECN bit", p -> p[1] = (byte) (GSO_TCPV4 | VirtioNetHeader.GSO_ECN));
        refuses("UDP GSO", p -> p[1] = 3);
        refuses("unknown GSO type", p -> p[1] = 5);
        refuses("GSO without NEEDS_CSUM", p -> p[0] = VirtioNetHeader.F_DATA_VALID);
        refuses("TCP data offset below 5", p -> p[VIRTIO + 34 + 12] = 0x40);
    }

    @Test
    void refusesATcpHeaderThatLeavesNoPayload() {
        for (int payload : new int[] {20, 28}) { // a 60-byte TCP header then ends past the frame, or at its end
            byte[] packet = tcp(true, false, false, payload(payload), GSO_TCPV4, 64, ACK);
            packet[VIRTIO + 34 + 12] = (byte) 0xF0;
            assertEquals(-1, split(packet, packet.length), payload + " bytes after a 32-byte TCP header");
        }
    }

    @Test
    void refusesASegmentThatWouldNotFitAPiece() {
        byte[] packet = tcp(false, false, false, payload(65_500), GSO_TCPV6, 65_535, ACK);
        assertEquals(-1, split(packet, packet.length));
    }

    @Test
    void refusesChecksumsOutsideTheFrame() {
        byte[] udp = Frames.udp4(payload(100));
        int frameLength = udp.length - VIRTIO;
        assertEquals(1, split(udp, udp.length));
        csumStart(udp, 13);
        assertEquals(-1, split(udp, udp.length), "csum_start inside the Ethernet header");
        csumStart(udp, frameLength - 8);
        assertEquals(1, split(udp, udp.length), "the checksum field in the last two bytes");
        csumStart(udp, frameLength - 7);
        assertEquals(-1, split(udp, udp.length), "the checksum field past the end");
        csumStart(udp, 34);
        udp[8] = (byte) 0xFF;
        udp[9] = (byte) 0xFF;
        assertEquals(-1, split(udp, udp.length), "csum_offset 0xFFFF");
    }

    @Test
    void refusesWholeFramesLargerThanAPiece() {
        byte[] plain = new byte[VIRTIO + 65_537];
        assertEquals(-1, split(plain, plain.length));
        assertEquals(1, split(plain, plain.length - 1));
    }

    @Test
    void neverThrowsOnRandomBytes() {
        byte[] valid = tcp(true, false, false, payload(2_000), GSO_TCPV4, 100, ACK);
        int[] gsoTypes = {GSO_NONE, GSO_TCPV4, GSO_TCPV6, 3, 0x81, 0x84};
        for (int i = 0; i < 20_000; i++) {
            byte[] packet;
            if (i % 2 == 0) { // anything at all behind a header that is often worth a closer look
                packet = payload(random.nextInt(200));
                if (packet.length >= VIRTIO && random.nextBoolean()) {
                    Frames.virtio(packet, random.nextInt(4), gsoTypes[random.nextInt(gsoTypes.length)],
                            random.nextInt(0x10000), 60 + random.nextInt(20), random.nextInt(80), random.nextInt(20));
                }
            } else { // a valid super-frame with a few bytes changed, among them often one of the header fields read
                packet = valid.clone();
                for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                    int at = random.nextInt(random.nextBoolean() ? VIRTIO + 66 : packet.length);
                    packet[at] = (byte) random.nextInt(256);
                }
            }
            int length = random.nextInt(4) == 0 ? random.nextInt(packet.length + 1) : packet.length;
            int maxSegments = 1 + random.nextInt(4);
            int maxBytes = random.nextInt(4_000) - 100;
            try {
                checkedSplit(packet, length, maxSegments, maxBytes);
            } catch (RuntimeException | AssertionError e) {
                fail("iteration " + i + ", length " + length + ": " + e, e);
            }
        }
    }

    @Test
    void rejectsBadArguments() {
        ByteBuffer packet = ByteBuffer.wrap(tcp(true, false, false, payload(100), GSO_TCPV4, 64, ACK));
        int length = packet.limit();
        assertThrows(IllegalArgumentException.class, () -> segmenter.split(packet, 0, length, 0, 65_536, p -> true));
        assertThrows(IndexOutOfBoundsException.class, () -> segmenter.split(packet, 1, length, 1, 65_536, p -> true));
        assertThrows(IndexOutOfBoundsException.class, () -> Segmenter.segmentFrameLength(packet, -1, 10));
    }

    /**
     * Split, checking that -1 comes with nothing emitted and agrees with segmentFrameLength, and that pieces fit. The
     * buffer ends where the packet does, so that a read past its end throws.
     */
    private int checkedSplit(byte[] packet, int length, int maxSegments, int maxBytes) {
        int largest = Segmenter.segmentFrameLength(ByteBuffer.wrap(packet, 0, length), 0, length);
        Frames.Collector collector = new Frames.Collector();
        int pieces = segmenter.split(ByteBuffer.wrap(packet, 0, length), 0, length, maxSegments, maxBytes, collector);
        assertEquals(largest < 0, pieces < 0, "split and segmentFrameLength agree on what is malformed");
        assertEquals(Math.max(pieces, 0), collector.pieces.size(), "pieces emitted");
        for (byte[] piece : collector.pieces) {
            assertTrue(piece.length >= VIRTIO && piece.length <= VIRTIO + 65_536, "piece length " + piece.length);
            if ((piece[0] & F_NEEDS_CSUM) == 0) { // a complete frame, not a GSO piece
                assertTrue(piece.length - VIRTIO <= largest, "a frame larger than segmentFrameLength said");
            }
        }
        return pieces;
    }

    private int split(byte[] packet, int length) {
        return checkedSplit(packet, length, 1, 65_536);
    }

    /** A valid super-frame, IPv4 unless said otherwise, changed by the mutation, is refused. */
    private void refuses(String what, Consumer<byte[]> mutation) {
        refuses(what, mutation, true);
    }

    private void refuses(String what, Consumer<byte[]> mutation, boolean v4) {
        byte[] packet = tcp(v4, false, false, payload(3_000), v4 ? GSO_TCPV4 : GSO_TCPV6, 1000, ACK);
        assertEquals(3, split(packet, packet.length), what + ": the frame before the change");
        mutation.accept(packet);
        assertEquals(-1, split(packet, packet.length), what);
    }

    private static void csumStart(byte[] packet, int csumStart) {
        packet[6] = (byte) csumStart;
        packet[7] = (byte) (csumStart >>> 8);
        assertEquals(csumStart, le16(packet, 6));
    }

    private byte[] payload(int length) {
        byte[] payload = new byte[length];
        random.nextBytes(payload);
        return payload;
    }
}
