package dev.vswitch.protocol.offload;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Packets as a TAP device with IFF_VNET_HDR hands them out, built field by field, and an Internet checksum computed a
 * byte at a time: deliberately unlike the segmenter's word-at-a-time one, so that one checks the other.
 */
final class Frames {

    static final int VIRTIO = 10;
    static final int FIN = 0x01;
    static final int PSH = 0x08;
    static final int ACK = 0x10;
    static final int CWR = 0x80;
    /** IPv4 ID and TCP sequence number of every built frame: both wrap around within the first segments. */
    static final int ID = 0xFFFE;
    static final long SEQ = 0xFFFF_F000L;
    /** 20 bytes and a timestamp option, as Linux sends. */
    static final int TCP_HEADER = 32;

    private Frames() {
    }

    /**
     * [virtio header][Ethernet, maybe 802.1Q][IPv4 or IPv6, maybe with an 8-byte hop-by-hop header][TCP][payload], with
     * NEEDS_CSUM and the TCP checksum field holding the pseudo-header sum, as the kernel writes them.
     */
    static byte[] tcp(boolean v4, boolean vlan, boolean hopByHop, byte[] payload, int gsoType, int gsoSize,
                      int tcpFlags) {
        int net = vlan ? 18 : 14;
        int l4 = net + (v4 ? 20 : hopByHop ? 48 : 40);
        int frameLength = l4 + TCP_HEADER + payload.length;
        byte[] p = new byte[VIRTIO + frameLength];
        // hdr_len as unreliable as the kernel's: it must be ignored
        virtio(p, VirtioNetHeader.F_NEEDS_CSUM, gsoType, 128, gsoSize, l4, 16);
        ip(p, v4, vlan, hopByHop ? 0 : 6, frameLength);
        if (hopByHop) { // next header TCP, length 0 (8 bytes), a PadN option filling the rest
            byte[] extension = {6, 0, 1, 4, 0, 0, 0, 0};
            System.arraycopy(extension, 0, p, VIRTIO + net + 40, extension.length);
        }
        int t = VIRTIO + l4;
        put16(p, t, 40_000);
        put16(p, t + 2, 5201);
        put32(p, t + 4, SEQ);
        put32(p, t + 8, 0x0102_0304L);
        p[t + 12] = (byte) (TCP_HEADER / 4 << 4);
        p[t + 13] = (byte) tcpFlags;
        put16(p, t + 14, 502);
        byte[] timestamp = {1, 1, 8, 10, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, (byte) 0x88};
        System.arraycopy(timestamp, 0, p, t + 20, timestamp.length);
        System.arraycopy(payload, 0, p, t + TCP_HEADER, payload.length);
        put16(p, t + 16, pseudoHeaderSum(p, 6, frameLength - l4));
        return p;
    }

    /** A UDP/IPv4 frame without GSO whose checksum is left to the device: NEEDS_CSUM, csum_offset 6. */
    static byte[] udp4(byte[] payload) {
        int l4 = 34;
        int frameLength = l4 + 8 + payload.length;
        byte[] p = new byte[VIRTIO + frameLength];
        virtio(p, VirtioNetHeader.F_NEEDS_CSUM, VirtioNetHeader.GSO_NONE, 0, 0, l4, 6);
        ip(p, true, false, 17, frameLength);
        int u = VIRTIO + l4;
        put16(p, u, 5353);
        put16(p, u + 2, 5353);
        put16(p, u + 4, frameLength - l4);
        System.arraycopy(payload, 0, p, u + 8, payload.length);
        put16(p, u + 6, pseudoHeaderSum(p, 17, frameLength - l4));
        return p;
    }

    static void virtio(byte[] p, int flags, int gsoType, int hdrLen, int gsoSize, int csumStart, int csumOffset) {
        p[0] = (byte) flags;
        p[1] = (byte) gsoType;
        int[] fields = {hdrLen, gsoSize, csumStart, csumOffset};
        for (int i = 0; i < fields.length; i++) {
            p[2 + 2 * i] = (byte) fields[i];
            p[3 + 2 * i] = (byte) (fields[i] >>> 8);
        }
    }

    private static void ip(byte[] p, boolean v4, boolean vlan, int nextHeader, int frameLength) {
        int f = VIRTIO;
        put16(p, f, 0x0200);
        put16(p, f + 4, 2);
        put16(p, f + 6, 0x0200);
        put16(p, f + 10, 1);
        if (vlan) {
            put16(p, f + 12, 0x8100);
            put16(p, f + 14, 100);
        }
        int net = vlan ? 18 : 14;
        put16(p, f + net - 2, v4 ? 0x0800 : 0x86DD);
        int ip = f + net;
        if (v4) {
            p[ip] = 0x45;
            put16(p, ip + 2, frameLength - net);
            put16(p, ip + 4, ID);
            put16(p, ip + 6, 0x4000);
            p[ip + 8] = 64;
            p[ip + 9] = (byte) nextHeader;
            put32(p, ip + 12, 0x0A00_0001L);
            put32(p, ip + 16, 0x0A00_0002L);
            put16(p, ip + 10, ~sum(p, ip, ip + 20));
        } else {
            put32(p, ip, 0x6001_2345L);
            put16(p, ip + 4, frameLength - net - 40);
            p[ip + 6] = (byte) nextHeader;
            p[ip + 7] = 64;
            p[ip + 8] = (byte) 0xFD;
            p[ip + 23] = 1;
            p[ip + 24] = (byte) 0xFD;
            p[ip + 39] = 2;
        }
    }

    /** The pseudo-header sum of the frame in p (after its virtio header) for an L4 part of the given length. */
    static int pseudoHeaderSum(byte[] p, int protocol, int l4Length) {
        int net = networkOffset(p);
        int ip = VIRTIO + net;
        int sum = isIpv4(p) ? sum(p, ip + 12, ip + 20) : sum(p, ip + 8, ip + 40);
        return add(add(add(sum, protocol), l4Length >>> 16), l4Length & 0xFFFF);
    }

    static int networkOffset(byte[] p) {
        return u16(p, VIRTIO + 12) == 0x8100 ? 18 : 14;
    }

    static boolean isIpv4(byte[] p) {
        return (p[VIRTIO + networkOffset(p)] & 0xF0) == 0x40;
    }

    /** The end-around-carry sum of p[from, to) taken byte by byte, even-numbered bytes as the high halves. */
    static int sum(byte[] p, int from, int to) {
        int sum = 0;
        for (int i = from; i < to; i++) {
            int value = p[i] & 0xFF;
            sum = add(sum, (i - from) % 2 == 0 ? value << 8 : value);
        }
        return sum;
    }

    static int add(int a, int b) {
        int sum = a + b;
        return (sum & 0xFFFF) + (sum >>> 16);
    }

    static int u16(byte[] p, int index) {
        return (p[index] & 0xFF) << 8 | (p[index + 1] & 0xFF);
    }

    static long u32(byte[] p, int index) {
        return (long) u16(p, index) << 16 | u16(p, index + 2);
    }

    static int le16(byte[] p, int index) {
        return (p[index] & 0xFF) | (p[index + 1] & 0xFF) << 8;
    }

    static void put16(byte[] p, int index, int value) {
        p[index] = (byte) (value >>> 8);
        p[index + 1] = (byte) value;
    }

    static void put32(byte[] p, int index, long value) {
        put16(p, index, (int) (value >>> 16));
        put16(p, index + 2, (int) value);
    }

    /** The packet at offset inside a larger buffer of the given kind and byte order, junk on both sides. */
    static ByteBuffer place(byte[] packet, int offset, boolean direct, ByteOrder order) {
        int capacity = offset + packet.length + 7;
        ByteBuffer b = direct ? ByteBuffer.allocateDirect(capacity) : ByteBuffer.allocate(capacity);
        byte[] junk = new byte[capacity];
        Arrays.fill(junk, (byte) 0xA5);
        return b.put(0, junk).put(offset, packet).order(order);
    }

    /** Keeps a copy of every piece (they are only valid during the call). */
    static final class Collector implements Segmenter.Sink {

        final List<byte[]> pieces = new ArrayList<>();

        @Override
        public boolean accept(ByteBuffer piece) {
            assertEquals(0, piece.position(), "a piece starts at position 0");
            byte[] copy = new byte[piece.limit()];
            piece.get(0, copy);
            pieces.add(copy);
            return true;
        }
    }

    /** Splits a packet held in a plain heap buffer and returns its pieces, checking the count split returns. */
    static List<byte[]> split(Segmenter segmenter, byte[] packet, int maxSegmentsPerPiece, int maxPieceFrameBytes) {
        Collector collector = new Collector();
        int pieces = segmenter.split(ByteBuffer.wrap(packet), 0, packet.length, maxSegmentsPerPiece,
                maxPieceFrameBytes, collector);
        assertEquals(collector.pieces.size(), pieces, "the count split returns");
        return collector.pieces;
    }
}
