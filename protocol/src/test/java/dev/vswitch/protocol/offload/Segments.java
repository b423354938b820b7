package dev.vswitch.protocol.offload;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;

import static dev.vswitch.protocol.offload.Frames.CWR;
import static dev.vswitch.protocol.offload.Frames.FIN;
import static dev.vswitch.protocol.offload.Frames.PSH;
import static dev.vswitch.protocol.offload.Frames.VIRTIO;
import static dev.vswitch.protocol.offload.Frames.add;
import static dev.vswitch.protocol.offload.Frames.isIpv4;
import static dev.vswitch.protocol.offload.Frames.le16;
import static dev.vswitch.protocol.offload.Frames.networkOffset;
import static dev.vswitch.protocol.offload.Frames.pseudoHeaderSum;
import static dev.vswitch.protocol.offload.Frames.sum;
import static dev.vswitch.protocol.offload.Frames.u16;
import static dev.vswitch.protocol.offload.Frames.u32;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the kernel's GSO would have sent for a super-frame, checked field by field with the byte-at-a-time checksum. */
final class Segments {

    private Segments() {
    }

    /** Where a packet's headers are, read from the frame and its virtio header. */
    record Layout(int net, int l4, int headerLength, int gsoSize, int payload) {

        static Layout of(byte[] packet) {
            int l4 = le16(packet, 6);
            int headerLength = l4 + ((packet[VIRTIO + l4 + 12] & 0xF0) >>> 2);
            return new Layout(networkOffset(packet), l4, headerLength, le16(packet, 4),
                    packet.length - VIRTIO - headerLength);
        }

        int segments() {
            return (payload + gsoSize - 1) / gsoSize;
        }
    }

    /** The segments are exactly the complete frames that segmenting the super-frame must give, in order. */
    static void assertSegmentsOf(byte[] superFrame, List<byte[]> segments) {
        Layout layout = Layout.of(superFrame);
        assertEquals(layout.segments(), segments.size(), "segments");
        ByteArrayOutputStream payloads = new ByteArrayOutputStream();
        for (int i = 0; i < segments.size(); i++) {
            byte[] segment = segments.get(i);
            String what = "segment " + i + ": ";
            assertArrayEquals(new byte[VIRTIO], Arrays.copyOf(segment, VIRTIO), what + "plain virtio header");
            int payload = i < segments.size() - 1 ? layout.gsoSize : layout.payload - i * layout.gsoSize;
            assertEquals(layout.headerLength + payload, segment.length - VIRTIO, what + "frame length");
            assertIpHeader(superFrame, segment, layout, i, what);
            assertTcpHeader(superFrame, segment, layout, i, i == segments.size() - 1, what);
            int tcpLength = segment.length - VIRTIO - layout.l4;
            assertEquals(0xFFFF, add(pseudoHeaderSum(segment, 6, tcpLength), sum(segment, VIRTIO + layout.l4,
                    segment.length)), what + "TCP checksum");
            payloads.write(segment, VIRTIO + layout.headerLength, payload);
        }
        assertArrayEquals(Arrays.copyOfRange(superFrame, VIRTIO + layout.headerLength, superFrame.length),
                payloads.toByteArray(), "the payloads, concatenated");
    }

    /**
     * A GSO piece holding segments [firstSegment, firstSegment + count) of the super-frame: a super-frame itself, with
     * a GSO header, its own lengths and the pseudo-header sum for its own TCP length.
     */
    static void assertGsoPiece(byte[] superFrame, byte[] piece, int firstSegment, boolean last) {
        Layout layout = Layout.of(superFrame);
        String what = "piece from segment " + firstSegment + ": ";
        assertEquals(VirtioNetHeader.F_NEEDS_CSUM, piece[0], what + "flags");
        assertEquals(superFrame[1], piece[1], what + "gso_type");
        assertEquals(layout.headerLength, le16(piece, 2), what + "hdr_len");
        assertEquals(layout.gsoSize, le16(piece, 4), what + "gso_size");
        assertEquals(layout.l4, le16(piece, 6), what + "csum_start");
        assertEquals(16, le16(piece, 8), what + "csum_offset");
        assertIpHeader(superFrame, piece, layout, firstSegment, what);
        assertTcpHeader(superFrame, piece, layout, firstSegment, last, what);
        int tcpLength = piece.length - VIRTIO - layout.l4;
        assertEquals(pseudoHeaderSum(piece, 6, tcpLength), u16(piece, VIRTIO + layout.l4 + 16),
                what + "partial checksum");
    }

    private static void assertIpHeader(byte[] superFrame, byte[] piece, Layout layout, int firstSegment, String what) {
        int ip = VIRTIO + layout.net;
        int frameLength = piece.length - VIRTIO;
        assertSame(superFrame, piece, VIRTIO, ip, what + "Ethernet header");
        if (isIpv4(superFrame)) {
            int headerEnd = ip + (superFrame[ip] & 0x0F) * 4;
            assertEquals(frameLength - layout.net, u16(piece, ip + 2), what + "IPv4 total length");
            assertEquals((Frames.ID + firstSegment) & 0xFFFF, u16(piece, ip + 4), what + "IPv4 ID");
            assertEquals(0xFFFF, sum(piece, ip, headerEnd), what + "IPv4 header checksum");
            assertSame(superFrame, piece, ip, ip + 2, what + "IPv4 version, IHL, TOS");
            assertSame(superFrame, piece, ip + 6, ip + 10, what + "IPv4 fragment field, TTL, protocol");
            assertSame(superFrame, piece, ip + 12, VIRTIO + layout.l4, what + "IPv4 addresses");
        } else {
            assertEquals(frameLength - layout.net - 40, u16(piece, ip + 4), what + "IPv6 payload length");
            assertSame(superFrame, piece, ip, ip + 4, what + "IPv6 version and flow");
            assertSame(superFrame, piece, ip + 6, VIRTIO + layout.l4, what + "IPv6 addresses and extensions");
        }
    }

    private static void assertTcpHeader(byte[] superFrame, byte[] piece, Layout layout, int firstSegment, boolean last,
                                        String what) {
        int tcp = VIRTIO + layout.l4;
        assertEquals((Frames.SEQ + (long) firstSegment * layout.gsoSize) & 0xFFFF_FFFFL, u32(piece, tcp + 4),
                what + "sequence number");
        int flags = superFrame[tcp + 13] & 0xFF;
        int expected = flags & (last ? 0xFF : ~(FIN | PSH)) & (firstSegment == 0 ? 0xFF : ~CWR);
        assertEquals(expected, piece[tcp + 13] & 0xFF, what + "TCP flags");
        assertSame(superFrame, piece, tcp, tcp + 4, what + "ports");
        assertSame(superFrame, piece, tcp + 8, tcp + 13, what + "ACK number and data offset");
        assertSame(superFrame, piece, tcp + 14, tcp + 16, what + "window");
        assertSame(superFrame, piece, tcp + 18, VIRTIO + layout.headerLength, what + "urgent pointer and options");
    }

    private static void assertSame(byte[] expected, byte[] actual, int from, int to, String what) {
        assertArrayEquals(Arrays.copyOfRange(expected, from, to), Arrays.copyOfRange(actual, from, to), what);
    }
}
