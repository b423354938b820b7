package dev.vswitch.server.capture;

import java.nio.ByteBuffer;

/**
 * The classic libpcap file format, which tshark, tcpdump and Wireshark read from a pipe as it grows:
 * a 24-byte global header, then per frame a 16-byte record header and the frame. Written big-endian;
 * readers recognise the byte order from the magic number.
 */
public final class Pcap {

    private static final int MAGIC_MICROSECONDS = 0xA1B2C3D4;
    private static final int LINKTYPE_ETHERNET = 1;
    public static final int SNAPLEN = 65535;
    public static final int RECORD_HEADER_LENGTH = 16;

    private Pcap() {
    }

    public static byte[] fileHeader() {
        return ByteBuffer.allocate(24).putInt(MAGIC_MICROSECONDS).putShort((short) 2).putShort((short) 4)
                .putInt(0).putInt(0).putInt(SNAPLEN).putInt(LINKTYPE_ETHERNET).array();
    }

    /** A record: header and frame. */
    public static byte[] record(long epochMicros, byte[] frame) {
        return ByteBuffer.allocate(RECORD_HEADER_LENGTH + frame.length)
                .putInt((int) (epochMicros / 1_000_000)).putInt((int) (epochMicros % 1_000_000))
                .putInt(frame.length).putInt(frame.length).put(frame).array();
    }
}
