package dev.vswitch.server;

import dev.vswitch.protocol.EthernetFrame;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** TCP super-frames as a TAP with offloads hands them over, and the checks that segments cut from them are right. */
public final class OffloadFrames {

    public static final int VIRTIO_HEADER = 10;
    private static final int TCP_OFFSET = 14 + 20;
    private static final int HEADERS = TCP_OFFSET + 20;
    private static final int FIRST_SEQUENCE = 1000;

    private OffloadFrames() {
    }

    /** A virtio_net_hdr (TCPV4 GSO, checksum to complete) and an Ethernet/IPv4/TCP frame carrying all of {@code payload}. */
    public static byte[] superFrame(long source, long destination, byte[] payload, int gsoSize) {
        ByteBuffer packet = ByteBuffer.allocate(VIRTIO_HEADER + HEADERS + payload.length);
        packet.order(ByteOrder.LITTLE_ENDIAN).put(0, (byte) 1).put(1, (byte) 1).putShort(2, (short) HEADERS)
                .putShort(4, (short) gsoSize).putShort(6, (short) TCP_OFFSET).putShort(8, (short) 16);
        ByteBuffer frame = packet.order(ByteOrder.BIG_ENDIAN).slice(VIRTIO_HEADER, HEADERS + payload.length);
        EthernetFrame.writeMac(frame, 0, destination);
        EthernetFrame.writeMac(frame, 6, source);
        frame.putShort(12, (short) 0x0800);
        frame.put(14, (byte) 0x45).putShort(16, (short) (20 + 20 + payload.length)).putShort(18, (short) 0x1234)
                .putShort(20, (short) 0x4000).put(22, (byte) 64).put(23, (byte) 6)
                .putInt(26, 0xC6130001).putInt(30, 0xC6130002);
        frame.putShort(TCP_OFFSET, (short) 40000).putShort(TCP_OFFSET + 2, (short) 5001).putInt(TCP_OFFSET + 4, FIRST_SEQUENCE)
                .putInt(TCP_OFFSET + 8, 1).put(TCP_OFFSET + 12, (byte) 0x50).put(TCP_OFFSET + 13, (byte) 0x18)
                .putShort(TCP_OFFSET + 14, (short) 0xFFFF);
        frame.put(HEADERS, payload);
        return packet.array();
    }

    /**
     * Checks segment {@code index} of a {@link #superFrame} cut at {@code gsoSize}: both checksums complete and right, the
     * sequence number where that segment starts; appends its payload to {@code payloads}.
     */
    public static void checkSegment(byte[] frame, int index, int gsoSize, ByteArrayOutputStream payloads) {
        assertEquals(0, checksum(frame, 14, 20), "IPv4 header checksum of segment " + index);
        assertEquals(0, tcpChecksum(frame, frame.length - TCP_OFFSET), "TCP checksum of segment " + index);
        assertEquals(FIRST_SEQUENCE + index * gsoSize, ByteBuffer.wrap(frame).getInt(TCP_OFFSET + 4), "sequence number");
        payloads.write(frame, HEADERS, frame.length - HEADERS);
    }

    /** The TCP checksum over the pseudo-header and segment: 0 when the segment's checksum field is right. */
    private static int tcpChecksum(byte[] frame, int tcpLength) {
        byte[] pseudo = new byte[12 + tcpLength];
        System.arraycopy(frame, 26, pseudo, 0, 8);
        pseudo[9] = 6;
        pseudo[10] = (byte) (tcpLength >> 8);
        pseudo[11] = (byte) tcpLength;
        System.arraycopy(frame, TCP_OFFSET, pseudo, 12, tcpLength);
        return checksum(pseudo, 0, pseudo.length);
    }

    /** RFC 1071, byte by byte: 0 over a range whose checksum field is right. */
    private static int checksum(byte[] bytes, int offset, int length) {
        long sum = 0;
        for (int i = 0; i < length; i += 2) {
            int high = bytes[offset + i] & 0xFF;
            int low = i + 1 < length ? bytes[offset + i + 1] & 0xFF : 0;
            sum += (high << 8) | low;
        }
        while (sum >> 16 != 0) {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (int) (~sum & 0xFFFF);
    }
}
