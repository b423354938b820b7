package dev.vswitch.protocol.offload;

import java.nio.ByteBuffer;

/**
 * The legacy 10-byte {@code struct virtio_net_hdr} that a TAP device opened with {@code IFF_VNET_HDR} puts before
 * every frame. Its 16-bit fields are little-endian (the host's order on every machine we run on); they are assembled
 * byte by byte, so any buffer works whatever its byte order, and that order is left alone. Access is absolute.
 *
 * <pre>
 *   u8 flags  u8 gso_type  le16 hdr_len  le16 gso_size  le16 csum_start  le16 csum_offset
 * </pre>
 *
 * {@code hdr_len} is only a hint: the kernel fills it with the skb's linear length, so readers compute the real
 * header length themselves.
 */
public final class VirtioNetHeader {

    public static final int LENGTH = 10;

    /** The checksum from csum_start to the end is still to be computed; its field holds the pseudo-header sum. */
    public static final int F_NEEDS_CSUM = 1;
    /** The receiver already checked the checksum; nothing is left to do. */
    public static final int F_DATA_VALID = 2;

    public static final int GSO_NONE = 0;
    public static final int GSO_TCPV4 = 1;
    public static final int GSO_TCPV6 = 4;
    /** Added to a TCP type when the sender uses ECN (the super-frame may carry CWR); {@link Segmenter} refuses it. */
    public static final int GSO_ECN = 0x80;

    private static final int FLAGS = 0;
    private static final int GSO_TYPE = 1;
    private static final int HDR_LEN = 2;
    private static final int GSO_SIZE = 4;
    private static final int CSUM_START = 6;
    private static final int CSUM_OFFSET = 8;

    private VirtioNetHeader() {
    }

    public static int flags(ByteBuffer b, int offset) {
        return b.get(offset + FLAGS) & 0xFF;
    }

    public static int gsoType(ByteBuffer b, int offset) {
        return b.get(offset + GSO_TYPE) & 0xFF;
    }

    public static int hdrLen(ByteBuffer b, int offset) {
        return le16(b, offset + HDR_LEN);
    }

    public static int gsoSize(ByteBuffer b, int offset) {
        return le16(b, offset + GSO_SIZE);
    }

    public static int csumStart(ByteBuffer b, int offset) {
        return le16(b, offset + CSUM_START);
    }

    public static int csumOffset(ByteBuffer b, int offset) {
        return le16(b, offset + CSUM_OFFSET);
    }

    /** A frame that needs nothing done to it: no checksum to complete, no segmentation (DATA_VALID is only a hint). */
    public static boolean isPlain(ByteBuffer b, int offset) {
        return (flags(b, offset) & F_NEEDS_CSUM) == 0 && gsoType(b, offset) == GSO_NONE;
    }

    public static void writePlain(ByteBuffer b, int offset) {
        b.putLong(offset, 0); // zero in either byte order
        b.putShort(offset + 8, (short) 0);
    }

    /** A header for a TSO super-frame whose checksum field holds the folded, non-complemented pseudo-header sum. */
    public static void writeGso(ByteBuffer b, int offset, int gsoType, int hdrLen, int gsoSize, int csumStart,
                                int csumOffset) {
        b.put(offset + FLAGS, (byte) F_NEEDS_CSUM);
        b.put(offset + GSO_TYPE, (byte) gsoType);
        putLe16(b, offset + HDR_LEN, hdrLen);
        putLe16(b, offset + GSO_SIZE, gsoSize);
        putLe16(b, offset + CSUM_START, csumStart);
        putLe16(b, offset + CSUM_OFFSET, csumOffset);
    }

    private static int le16(ByteBuffer b, int index) {
        return (b.get(index) & 0xFF) | (b.get(index + 1) & 0xFF) << 8;
    }

    private static void putLe16(ByteBuffer b, int index, int value) {
        b.put(index, (byte) value);
        b.put(index + 1, (byte) (value >>> 8));
    }
}
