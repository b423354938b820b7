package dev.vswitch.protocol.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.Keepalive;
import dev.vswitch.protocol.MacAddress;
import dev.vswitch.protocol.offload.PlainOffloadFrame;
import dev.vswitch.protocol.offload.Segmenter;
import dev.vswitch.protocol.offload.VirtioNetHeader;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;

import static dev.vswitch.protocol.fuzz.Refusals.check;
import static dev.vswitch.protocol.fuzz.Refusals.requireMessage;

/**
 * Ethernet frames as the plain format and the inside of data messages carry them: header fields, the
 * keepalive, and MAC addresses as text. Reads must agree with a byte-by-byte reading, wherever the frame
 * sits in its buffer; the same bytes as text go to the MAC address parser, and the same bytes as
 * [virtio_net_hdr][Ethernet frame] (an offload data message's inside) go to the software GSO, {@link Segmenter}, and
 * as the plain format's offload frame to {@link PlainOffloadFrame}.
 * Seeds: keepalive request and reply, ARP broadcast, IPv6 multicast, unicast, runts; TSO super-frames with
 * their virtio header (IPv4, IPv6, IPv6 VLAN-tagged behind a hop-by-hop header), whose hdr_len asks for
 * pieces of 2 segments, of 512 bytes, of 1 segment; an IPv4 one as a plain offload frame.
 */
class FrameFuzzTest {

    private static final int SHIFT = 9;
    /** Reused by every run (a fuzz test runs on one thread): allocating direct buffers per input is slow. */
    private static final ByteBuffer DIRECT = ByteBuffer.allocateDirect(65_536);
    /** The largest frame a Segmenter's scratch holds, after the virtio header. */
    private static final int MAX_FRAME = 65_536;
    /** One Segmenter per kind of scratch, reused by every run like {@link #DIRECT}. */
    private static final Segmenter HEAP_SEGMENTER = new Segmenter(false);
    private static final Segmenter DIRECT_SEGMENTER = new Segmenter(true);

    @FuzzTest(maxDuration = "8s")
    void frame(byte[] data) {
        ByteBuffer plain = ByteBuffer.wrap(data);
        ByteBuffer shifted = data.length + 2 * SHIFT <= DIRECT.capacity() ? DIRECT.clear()
                : ByteBuffer.allocateDirect(data.length + 2 * SHIFT);
        for (int i = 0; i < SHIFT; i++) {
            shifted.put((byte) 0xA5);
        }
        shifted.put(data);

        segment(data, plain, shifted);
        parseOrRefuse(new String(data, StandardCharsets.UTF_8));
        byte kind = Keepalive.kind(plain, 0, data.length);
        check(kind == Keepalive.kind(shifted, SHIFT, data.length), "keepalive kind depends on the offset");
        check(kind == expectedKeepaliveKind(data), "keepalive kind " + kind + " for a frame that is not one");
        plainOffloadFrame(data, plain, shifted);
        if (data.length < EthernetFrame.HEADER_LENGTH) {
            return;
        }
        long destination = EthernetFrame.destination(plain, 0);
        long source = EthernetFrame.source(plain, 0);
        int etherType = EthernetFrame.etherType(plain, 0);
        check(destination == mac(data, 0) && EthernetFrame.destination(shifted, SHIFT) == destination,
                "destination misread");
        check(source == mac(data, 6) && EthernetFrame.source(shifted, SHIFT) == source, "source misread");
        check(etherType == ((data[12] & 0xFF) << 8 | (data[13] & 0xFF))
                && EthernetFrame.etherType(shifted, SHIFT) == etherType, "EtherType misread");
        check((destination >>> 48) == 0 && (source >>> 48) == 0, "a MAC wider than 48 bits");
        check(MacAddress.isBroadcast(destination) == (destination == MacAddress.BROADCAST), "broadcast test");
        check(!MacAddress.isBroadcast(destination) || MacAddress.isGroup(destination), "broadcast is not a group address");
        check(MacAddress.isValidSource(source) == (source != 0 && (data[6] & 1) == 0), "source validity");

        String text = MacAddress.format(source);
        check(MacAddress.parse(text) == source, "a formatted MAC does not parse back: " + text);
        ByteBuffer reply = ByteBuffer.allocate(64);
        Keepalive.writeReply(reply, source);
        check(Keepalive.kind(reply, 0, reply.limit()) == Keepalive.REPLY, "our own reply is not a keepalive reply");
        check(EthernetFrame.destination(reply, 0) == source, "the reply is not addressed to the sender");
    }

    /**
     * The bytes as a packet a TAP device with IFF_VNET_HDR hands out, through the software GSO. Whatever the bytes,
     * Segmenter must not throw and split must refuse (-1) exactly what segmentFrameLength refuses, emitting nothing
     * then. The reference is full segmentation (one segment per piece) from a heap buffer into a heap scratch: every
     * piece plain, the first exactly segmentFrameLength long, none longer; a frame without GSO one piece, changed at
     * most in its virtio header (made plain) and the checksum field it asks for. Then a split of the same packet from
     * the direct buffer at an offset, read little-endian, into a direct scratch, with the bounds hdr_len gives
     * (Segmenter ignores that hint, so the fuzzer picks them freely; 0 means none): low byte maxSegmentsPerPiece,
     * high byte maxPieceFrameBytes in units of 64. Each of its pieces, split again into single segments, must give
     * back the reference's segments, in order and byte for byte; a piece that is one segment must be a plain frame,
     * one of several a GSO super-frame of the packet's kind within both bounds. Every piece fits the scratch.
     */
    private static void segment(byte[] data, ByteBuffer plain, ByteBuffer shifted) {
        int expected = Segmenter.segmentFrameLength(plain, 0, data.length);
        ByteBuffer other = shifted.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        check(Segmenter.segmentFrameLength(other, SHIFT, data.length) == expected,
                "segmentFrameLength depends on the buffer");
        check(expected == -1 || expected >= 0 && expected <= Math.min(MAX_FRAME, data.length - VirtioNetHeader.LENGTH),
                "segmentFrameLength " + expected + " for a packet of " + data.length + " bytes");

        Pieces segments = new Pieces();
        int count = HEAP_SEGMENTER.split(plain, 0, data.length, 1, Integer.MAX_VALUE, segments);
        check((count == -1) == (expected == -1), "split answers " + count + ", segmentFrameLength " + expected);
        check(count == -1 ? segments.isEmpty() : count >= 1 && count == segments.size(),
                "split answers " + count + " after emitting " + segments.size() + " pieces");
        if (count == -1) {
            return;
        }
        check(segments.get(0).length - VirtioNetHeader.LENGTH == expected,
                "the first segment is not as long as segmentFrameLength says");
        for (byte[] segment : segments) {
            check(VirtioNetHeader.isPlain(ByteBuffer.wrap(segment), 0), "a segment with a non-plain virtio header");
            check(segment.length - VirtioNetHeader.LENGTH <= expected, "a segment longer than segmentFrameLength");
        }
        int gsoType = VirtioNetHeader.gsoType(plain, 0);
        if (gsoType == VirtioNetHeader.GSO_NONE) {
            check(count == 1 && segments.get(0).length == data.length, "a frame without GSO is not passed on whole");
            byte[] whole = segments.get(0).clone();
            byte[] original = data.clone();
            if ((data[0] & VirtioNetHeader.F_NEEDS_CSUM) != 0) { // only the header and the checksum field change
                int field = VirtioNetHeader.LENGTH + VirtioNetHeader.csumStart(plain, 0)
                        + VirtioNetHeader.csumOffset(plain, 0);
                whole[field] = data[field];
                whole[field + 1] = data[field + 1];
                Arrays.fill(original, 0, VirtioNetHeader.LENGTH, (byte) 0);
            }
            check(Arrays.equals(whole, original), "a frame without GSO changed beyond its checksum and virtio header");
        }

        int hint = (data[2] & 0xFF) | (data[3] & 0xFF) << 8;
        int maxSegments = (hint & 0xFF) == 0 ? Integer.MAX_VALUE : hint & 0xFF;
        int maxBytes = (hint >>> 8) == 0 ? Integer.MAX_VALUE : (hint >>> 8) * 64;
        Pieces pieces = new Pieces();
        int pieceCount = DIRECT_SEGMENTER.split(other, SHIFT, data.length, maxSegments, maxBytes, pieces);
        check(pieceCount >= 1 && pieceCount == pieces.size(),
                "split into pieces answers " + pieceCount + " after emitting " + pieces.size());
        int gsoSize = VirtioNetHeader.gsoSize(plain, 0);
        int next = 0;
        for (byte[] piece : pieces) {
            ByteBuffer p = ByteBuffer.wrap(piece);
            Pieces again = new Pieces();
            int n = HEAP_SEGMENTER.split(p, 0, piece.length, 1, Integer.MAX_VALUE, again);
            check(n >= 1 && n == again.size(), "a piece is refused or miscounted: " + n);
            if (n == 1) {
                check(VirtioNetHeader.isPlain(p, 0), "a piece of one segment with a non-plain virtio header");
            } else {
                int headerLength = again.get(0).length - VirtioNetHeader.LENGTH - gsoSize;
                check(VirtioNetHeader.flags(p, 0) == VirtioNetHeader.F_NEEDS_CSUM
                        && VirtioNetHeader.gsoType(p, 0) == gsoType && VirtioNetHeader.gsoSize(p, 0) == gsoSize
                        && VirtioNetHeader.hdrLen(p, 0) == headerLength
                        && VirtioNetHeader.csumStart(p, 0) == VirtioNetHeader.csumStart(plain, 0)
                        && VirtioNetHeader.csumOffset(p, 0) == 16,
                        "a piece of " + n + " segments with a wrong GSO header");
                check(n <= maxSegments && piece.length - VirtioNetHeader.LENGTH <= maxBytes,
                        "a piece of " + n + " segments, " + piece.length + " bytes, over its bounds");
            }
            for (byte[] segment : again) {
                check(next < segments.size() && Arrays.equals(segment, segments.get(next)),
                        "segment " + next + " differs when split in two steps");
                next++;
            }
        }
        check(next == segments.size(), "the pieces hold " + next + " segments of " + segments.size());

        Pieces first = new Pieces(1);
        check(DIRECT_SEGMENTER.split(other, SHIFT, data.length, maxSegments, maxBytes, first) == 1
                && first.size() == 1 && Arrays.equals(first.get(0), pieces.get(0)),
                "a sink that stops at the first piece");
    }

    /** Copies of the pieces a split emits (they are only valid during the call), each checked as it comes. */
    private static final class Pieces extends ArrayList<byte[]> implements Segmenter.Sink {
        private static final long serialVersionUID = 1L;
        private final int stopAfter;

        Pieces() {
            this(Integer.MAX_VALUE);
        }

        Pieces(int stopAfter) {
            this.stopAfter = stopAfter;
        }

        @Override
        public boolean accept(ByteBuffer piece) {
            check(piece.position() == 0 && piece.limit() >= VirtioNetHeader.LENGTH
                    && piece.limit() <= VirtioNetHeader.LENGTH + MAX_FRAME,
                    "a piece from " + piece.position() + " to " + piece.limit() + " does not fit the scratch");
            byte[] copy = new byte[piece.limit()];
            piece.get(0, copy);
            add(copy);
            return size() < stopAfter;
        }
    }

    /** MAC addresses as people type them (the same bytes as text); only {@link IllegalArgumentException} may come out. */
    private static void parseOrRefuse(String text) {
        long mac;
        try {
            mac = MacAddress.parse(text);
        } catch (IllegalArgumentException e) {
            requireMessage(e); // it quotes the text it was given, line breaks and all
            return;
        }
        check((mac >>> 48) == 0, "a parsed MAC wider than 48 bits: " + text);
        check(MacAddress.parse(MacAddress.format(mac)) == mac, "a parsed MAC does not survive format/parse");
    }

    /**
     * The bytes as the plain format's offload frame: recognised by EtherType and magic alone, and then valid exactly when
     * the carried frame repeats the outer addresses and the Segmenter takes the virtio header and frame after them.
     */
    private static void plainOffloadFrame(byte[] data, ByteBuffer plain, ByteBuffer shifted) {
        boolean offloadFrame = PlainOffloadFrame.is(plain, 0, data.length);
        check(offloadFrame == PlainOffloadFrame.is(shifted, SHIFT, data.length), "offload frame test depends on the offset");
        check(offloadFrame == (data.length >= PlainOffloadFrame.OVERHEAD && (data[12] & 0xFF) == 0x88
                && (data[13] & 0xFF) == 0xB5 && data[14] == 'V' && data[15] == 'S' && data[16] == 'O' && data[17] == 'F'),
                "offload frame test disagrees with the bytes");
        if (!offloadFrame) {
            return;
        }
        int largest = PlainOffloadFrame.segmentFrameLength(plain, 0, data.length);
        check(largest == PlainOffloadFrame.segmentFrameLength(shifted, SHIFT, data.length),
                "offload frame check depends on the offset");
        int carried = PlainOffloadFrame.OVERHEAD;
        boolean sameAddresses = data.length >= carried + EthernetFrame.HEADER_LENGTH
                && Arrays.equals(data, 0, 12, data, carried, carried + 12);
        int packet = PlainOffloadFrame.PACKET_OFFSET;
        check(largest == (sameAddresses ? Segmenter.segmentFrameLength(plain, packet, data.length - packet) : -1),
                "offload frame check is not the addresses and the Segmenter's");
    }

    /** The seed's 19 bytes, requests and replies; or the secure reply's 23 (largest frame, flags), replies only. */
    private static byte expectedKeepaliveKind(byte[] data) {
        boolean extended = data.length == Keepalive.REPLY_EXTENDED_LENGTH;
        boolean probe = data.length >= Keepalive.PROBE_MIN_LENGTH;
        if ((data.length != Keepalive.LENGTH && !extended && !probe) || (data[12] & 0xFF) != 0x88 || (data[13] & 0xFF) != 0xB5
                || data[14] != 'V' || data[15] != 'S' || data[16] != 'K' || data[17] != 'A') {
            return 0;
        }
        if (probe) {
            return data[18] == Keepalive.PROBE || data[18] == Keepalive.PROBE_REPLY ? data[18] : 0;
        }
        if (extended && (data[18] == Keepalive.REQUEST || data[18] == Keepalive.REQUEST_OFFLOAD)) {
            return 0;
        }
        return data[18] >= Keepalive.REQUEST && data[18] <= Keepalive.REPLY_OFFLOAD ? data[18] : 0;
    }

    private static long mac(byte[] data, int offset) {
        long mac = 0;
        for (int i = 0; i < MacAddress.LENGTH; i++) {
            mac = mac << 8 | (data[offset + i] & 0xFF);
        }
        return mac;
    }
}
