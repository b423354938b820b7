package dev.vswitch.protocol.offload;

import java.nio.ByteBuffer;
import java.util.Objects;

import static dev.vswitch.protocol.offload.VirtioNetHeader.F_NEEDS_CSUM;
import static dev.vswitch.protocol.offload.VirtioNetHeader.GSO_NONE;
import static dev.vswitch.protocol.offload.VirtioNetHeader.GSO_TCPV4;
import static dev.vswitch.protocol.offload.VirtioNetHeader.GSO_TCPV6;
import static dev.vswitch.protocol.offload.VirtioNetHeader.LENGTH;
import static dev.vswitch.protocol.offload.VirtioNetHeader.csumOffset;
import static dev.vswitch.protocol.offload.VirtioNetHeader.csumStart;
import static dev.vswitch.protocol.offload.VirtioNetHeader.flags;
import static dev.vswitch.protocol.offload.VirtioNetHeader.gsoSize;
import static dev.vswitch.protocol.offload.VirtioNetHeader.gsoType;

/**
 * What the kernel does for a device without offloads, done in software for a destination that cannot take TAP
 * offloads: TSO super-frames are cut into segments (as tcp_gso_segment, inet_gso_segment and ipv6_gso_segment do)
 * and pending checksums are completed (as skb_checksum_help does). It can also cut a super-frame into smaller
 * super-frames, for a sender whose datagrams cannot hold the whole one.
 * <p>
 * Packets are [10-byte virtio-net header][Ethernet frame]; every piece is built in one scratch buffer, so nothing is
 * allocated per packet. Hostile bytes never make it throw: what the kernel would not segment is refused with -1.
 */
public final class Segmenter {

    /** Smallest gso_size accepted: bounds how many datagrams one message can become. */
    public static final int MIN_GSO_SIZE = 64;

    /**
     * Receives each piece: a buffer holding [10-byte virtio header][frame] from position 0 to its limit, valid only
     * during the call. Return false to stop early.
     */
    public interface Sink {
        boolean accept(ByteBuffer piece);
    }

    /** The largest frame the scratch holds: a piece, or a frame passed on whole. */
    private static final int MAX_FRAME = 65_536;
    /** Where the frame starts in a packet, from the packet's start. */
    private static final int FRAME = LENGTH;
    private static final int ETHERNET_HEADER = 14;
    private static final int VLAN_TAGGED_HEADER = 18;
    private static final int ETHER_TYPE_VLAN = 0x8100;
    private static final int ETHER_TYPE_IPV4 = 0x0800;
    private static final int ETHER_TYPE_IPV6 = 0x86DD;
    private static final int IPV4_MIN_HEADER = 20;
    private static final int IPV6_HEADER = 40;
    private static final int PROTO_TCP = 6;
    private static final int TCP_MIN_HEADER = 20;
    private static final int TCP_CSUM_OFFSET = 16;
    private static final int TCP_FIN = 0x01;
    private static final int TCP_PSH = 0x08;
    private static final int TCP_CWR = 0x80;

    /** Always big-endian, as the checksum and the header patching read and write network order through it. */
    private final ByteBuffer scratch;

    /** Owns one scratch buffer of VirtioNetHeader.LENGTH + 65_536 bytes; direct or heap as asked. Not thread-safe. */
    public Segmenter(boolean direct) {
        int capacity = LENGTH + MAX_FRAME;
        scratch = direct ? ByteBuffer.allocateDirect(capacity) : ByteBuffer.allocate(capacity);
    }

    /**
     * Checks the packet at packet[offset, offset+length): a virtio header then an Ethernet frame. Returns the length of
     * the largest frame that full segmentation would produce (header length + gso_size, or less for a last short
     * segment if there is only one; for a non-GSO frame: the frame's own length), or -1 when malformed.
     */
    public static int segmentFrameLength(ByteBuffer packet, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, packet.limit());
        int frameLength = length - LENGTH;
        if (frameLength < 0) {
            return -1;
        }
        if (gsoType(packet, offset) == GSO_NONE) {
            return isWholeFrameValid(packet, offset, frameLength) ? frameLength : -1;
        }
        int headerLength = superFrameHeaderLength(packet, offset, frameLength);
        return headerLength < 0 ? -1 : headerLength + Math.min(gsoSize(packet, offset), frameLength - headerLength);
    }

    /**
     * Emits the packet as pieces of at most maxSegmentsPerPiece segments and at most maxPieceFrameBytes frame bytes
     * each (whichever is smaller; at least one segment per piece; never over 65,536 frame bytes). A piece of one
     * segment, and any non-GSO frame, comes out as a complete ordinary frame: plain (all-zero) virtio header, every
     * checksum filled in. A piece of several segments is itself a GSO super-frame: GSO header (same type and gso_size,
     * NEEDS_CSUM, csum_start/offset, hdr_len = real header length), its TCP checksum field holding the partial
     * pseudo-header sum for the piece's own TCP length. A plain packet is emitted unchanged as one piece. Returns the
     * number of pieces emitted (counting the one the sink stopped at), or -1 when the packet is malformed (nothing
     * emitted then). Never throws on any input bytes.
     *
     * @throws IllegalArgumentException if maxSegmentsPerPiece is below 1
     * @throws IndexOutOfBoundsException if [offset, offset+length) is not within the packet's limit
     */
    public int split(ByteBuffer packet, int offset, int length, int maxSegmentsPerPiece, int maxPieceFrameBytes,
                     Sink sink) {
        if (maxSegmentsPerPiece < 1) {
            throw new IllegalArgumentException("maxSegmentsPerPiece must be at least 1: " + maxSegmentsPerPiece);
        }
        Objects.checkFromIndexSize(offset, length, packet.limit());
        int frameLength = length - LENGTH;
        if (frameLength < 0) {
            return -1;
        }
        if (gsoType(packet, offset) == GSO_NONE) {
            if (!isWholeFrameValid(packet, offset, frameLength)) {
                return -1;
            }
            emitWhole(packet, offset, length, sink);
            return 1;
        }
        int headerLength = superFrameHeaderLength(packet, offset, frameLength);
        if (headerLength < 0) {
            return -1;
        }
        return segment(packet, offset, frameLength, headerLength, maxSegmentsPerPiece,
                Math.min(maxPieceFrameBytes, MAX_FRAME), sink);
    }

    /** A frame without GSO goes through whole: it must fit the scratch, and a checksum to complete must be inside. */
    private static boolean isWholeFrameValid(ByteBuffer packet, int offset, int frameLength) {
        if (frameLength > MAX_FRAME) {
            return false;
        }
        if ((flags(packet, offset) & F_NEEDS_CSUM) == 0) {
            return true;
        }
        int start = csumStart(packet, offset);
        return start >= ETHERNET_HEADER && start + csumOffset(packet, offset) + 2 <= frameLength;
    }

    /** The header length (Ethernet + IP + TCP) of a super-frame the kernel's TCP GSO would take, or -1. */
    private static int superFrameHeaderLength(ByteBuffer packet, int offset, int frameLength) {
        int type = gsoType(packet, offset);
        int gsoSize = gsoSize(packet, offset);
        int l4 = csumStart(packet, offset);
        // ECN and UDP GSO types are refused with the unknown ones: the switch only ever needs TCP segmentation
        if ((flags(packet, offset) & F_NEEDS_CSUM) == 0 || (type != GSO_TCPV4 && type != GSO_TCPV6)
                || csumOffset(packet, offset) != TCP_CSUM_OFFSET || gsoSize < MIN_GSO_SIZE
                || frameLength < VLAN_TAGGED_HEADER) {
            return -1;
        }
        int frame = offset + FRAME;
        int net = networkOffset(packet, frame);
        boolean v4 = type == GSO_TCPV4;
        if (u16(packet, frame + net - 2) != (v4 ? ETHER_TYPE_IPV4 : ETHER_TYPE_IPV6)
                || frameLength < net + (v4 ? IPV4_MIN_HEADER : IPV6_HEADER)) {
            return -1;
        }
        int version = packet.get(frame + net) & 0xF0;
        if (v4) {
            int ihl = packet.get(frame + net) & 0x0F;
            // The kernel takes TCP to start right after the IPv4 header, whatever csum_start says: insist they agree
            if (version != 0x40 || ihl < 5 || packet.get(frame + net + 9) != PROTO_TCP || l4 != net + ihl * 4) {
                return -1;
            }
        } else {
            // Behind extension headers TCP is found through csum_start alone, as the kernel walks them for us
            if (version != 0x60 || l4 < net + IPV6_HEADER
                    || (l4 == net + IPV6_HEADER && packet.get(frame + net + 6) != PROTO_TCP)) {
                return -1;
            }
        }
        if (l4 + TCP_MIN_HEADER > frameLength) {
            return -1;
        }
        int headerLength = l4 + ((packet.get(frame + l4 + 12) & 0xF0) >>> 2);
        if (headerLength < l4 + TCP_MIN_HEADER || headerLength >= frameLength
                || headerLength + Math.min(gsoSize, frameLength - headerLength) > MAX_FRAME) {
            return -1;
        }
        return headerLength;
    }

    private void emitWhole(ByteBuffer packet, int offset, int length, Sink sink) {
        scratch.clear().put(0, packet, offset, length);
        if ((flags(scratch, 0) & F_NEEDS_CSUM) != 0) {
            int start = FRAME + csumStart(scratch, 0);
            int field = start + csumOffset(scratch, 0);
            // The field holds the pseudo-header sum, so summing it in completes the checksum without knowing the L4
            int checksum = ~fold(sum(scratch, start, length)) & 0xFFFF;
            // As skb_checksum_help: 0 means "no checksum" to UDP, so send its other ones'-complement form
            scratch.putShort(field, (short) (checksum == 0 ? 0xFFFF : checksum));
            VirtioNetHeader.writePlain(scratch, 0);
        }
        sink.accept(scratch.limit(length));
    }

    private int segment(ByteBuffer packet, int offset, int frameLength, int headerLength, int maxSegmentsPerPiece,
                        int maxPieceFrameBytes, Sink sink) {
        int type = gsoType(packet, offset);
        int gsoSize = gsoSize(packet, offset);
        int l4 = csumStart(packet, offset);
        int source = offset + FRAME;
        int net = networkOffset(packet, source);
        boolean v4 = type == GSO_TCPV4;
        int payload = frameLength - headerLength;

        // The super-frame's own fields, read in network order from a first copy of its headers
        scratch.clear().put(FRAME, packet, source, headerLength);
        int id = v4 ? scratch.getShort(FRAME + net + 4) : 0;
        int seq = scratch.getInt(FRAME + l4 + 4);
        int tcpFlags = scratch.get(FRAME + l4 + 13);
        long addressSum = v4 ? sum(scratch, FRAME + net + 12, FRAME + net + 20)
                : sum(scratch, FRAME + net + 8, FRAME + net + IPV6_HEADER);

        int segmentsPerPiece = Math.min(maxSegmentsPerPiece,
                Math.max(1, (maxPieceFrameBytes - headerLength) / gsoSize));
        int pieces = 0;
        for (int done = 0, segment = 0; done < payload; ) {
            int pieceLength = Math.min(segmentsPerPiece * gsoSize, payload - done);
            int pieceFrame = headerLength + pieceLength;
            int end = FRAME + pieceFrame;
            // Headers again for every piece: the sink may have written over the last one
            scratch.clear().put(FRAME, packet, source, headerLength)
                    .put(FRAME + headerLength, packet, source + headerLength + done, pieceLength);
            if (v4) {
                scratch.putShort(FRAME + net + 2, (short) (pieceFrame - net));
                scratch.putShort(FRAME + net + 4, (short) (id + segment));
                scratch.putShort(FRAME + net + 10, (short) 0);
                int ipEnd = FRAME + net + (scratch.get(FRAME + net) & 0x0F) * 4;
                scratch.putShort(FRAME + net + 10, (short) ~fold(sum(scratch, FRAME + net, ipEnd)));
            } else {
                scratch.putShort(FRAME + net + 4, (short) (pieceFrame - net - IPV6_HEADER));
            }
            scratch.putInt(FRAME + l4 + 4, seq + done);
            int keep = (done + pieceLength == payload ? 0xFF : ~(TCP_FIN | TCP_PSH)) & (done == 0 ? 0xFF : ~TCP_CWR);
            scratch.put(FRAME + l4 + 13, (byte) (tcpFlags & keep));
            long pseudoHeaderSum = addressSum + PROTO_TCP + (pieceFrame - l4);
            int field = FRAME + l4 + TCP_CSUM_OFFSET;
            int segments = (pieceLength + gsoSize - 1) / gsoSize;
            if (segments == 1) {
                scratch.putShort(field, (short) 0);
                scratch.putShort(field, (short) ~fold(pseudoHeaderSum + sum(scratch, FRAME + l4, end)));
                VirtioNetHeader.writePlain(scratch, 0);
            } else {
                scratch.putShort(field, (short) fold(pseudoHeaderSum));
                VirtioNetHeader.writeGso(scratch, 0, type, headerLength, gsoSize, l4, TCP_CSUM_OFFSET);
            }
            done += pieceLength;
            segment += segments;
            pieces++;
            if (!sink.accept(scratch.limit(end))) {
                break;
            }
        }
        return pieces;
    }

    private static int networkOffset(ByteBuffer packet, int frame) {
        return u16(packet, frame + 12) == ETHER_TYPE_VLAN ? VLAN_TAGGED_HEADER : ETHERNET_HEADER;
    }

    /** A big-endian 16-bit field read byte by byte, so the packet's own byte order does not matter. */
    private static int u16(ByteBuffer b, int index) {
        return (b.get(index) & 0xFF) << 8 | (b.get(index + 1) & 0xFF);
    }

    /**
     * The ones'-complement sum of the 16-bit big-endian words of b[from, to), unfolded (an odd last byte is the high
     * half of a word). Eight bytes at a time: two 32-bit words added to a 64-bit total cannot overflow for any buffer,
     * and folding at the end gives the same 16-bit sum since 2^16 = 1 modulo 2^16 - 1. b must be big-endian.
     * Package-private, like {@link #fold}, for the test that checks it against a byte-by-byte sum.
     */
    static long sum(ByteBuffer b, int from, int to) {
        long sum = 0;
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long word = b.getLong(i);
            sum += (word >>> 32) + (word & 0xFFFF_FFFFL);
        }
        if (i + 4 <= to) {
            sum += b.getInt(i) & 0xFFFF_FFFFL;
            i += 4;
        }
        if (i + 2 <= to) {
            sum += b.getShort(i) & 0xFFFF;
            i += 2;
        }
        if (i < to) {
            sum += (b.get(i) & 0xFF) << 8;
        }
        return sum;
    }

    /** Folds a sum to 16 bits, adding the carries back in (end-around carry). */
    static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) sum;
    }
}
