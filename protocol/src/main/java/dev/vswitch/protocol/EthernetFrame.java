package dev.vswitch.protocol;

import java.nio.ByteBuffer;

/**
 * Field access for an Ethernet II frame as it travels in the seed's plain wire format: one frame per UDP
 * datagram, starting at the destination address, without preamble or FCS. Reads are absolute, so a
 * buffer's position and limit are left alone.
 */
public final class EthernetFrame {

    public static final int DESTINATION_OFFSET = 0;
    public static final int SOURCE_OFFSET = 6;
    public static final int ETHER_TYPE_OFFSET = 12;
    public static final int HEADER_LENGTH = 14;
    /** An untagged 1500-byte payload plus header, the largest frame the seed's vport.c sends. */
    public static final int MAX_UNTAGGED_LENGTH = 1514;
    /** An 802.1Q-tagged 1500-byte payload plus header. */
    public static final int MAX_TAGGED_LENGTH = 1518;

    private EthernetFrame() {
    }

    public static long destination(ByteBuffer frame, int offset) {
        return readMac(frame, offset + DESTINATION_OFFSET);
    }

    public static long source(ByteBuffer frame, int offset) {
        return readMac(frame, offset + SOURCE_OFFSET);
    }

    public static int etherType(ByteBuffer frame, int offset) {
        return frame.getShort(offset + ETHER_TYPE_OFFSET) & 0xFFFF;
    }

    public static long readMac(ByteBuffer frame, int index) {
        return ((long) (frame.getShort(index) & 0xFFFF) << 32) | (frame.getInt(index + 2) & 0xFFFF_FFFFL);
    }

    public static void writeMac(ByteBuffer frame, int index, long mac) {
        frame.putShort(index, (short) (mac >>> 32));
        frame.putInt(index + 2, (int) mac);
    }
}
