package dev.vswitch.protocol.testing;

import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.Keepalive;
import dev.vswitch.protocol.offload.VirtioNetHeader;
import java.nio.ByteBuffer;
import java.util.Random;

/**
 * Ethernet frames for the tests of every module (the protocol's test jar carries this package): the switch's tests play
 * vports with them, the vport's feed its in-memory TAP.
 */
public final class TestFrames {

    private TestFrames() {
    }

    /** A frame of {@code length} bytes: the addresses, the EtherType, then bytes counting up. */
    public static byte[] frame(long destination, long source, int etherType, int length) {
        ByteBuffer frame = header(destination, source, etherType, length);
        for (int i = EthernetFrame.HEADER_LENGTH; i < length; i++) {
            frame.put(i, (byte) i);
        }
        return frame.array();
    }

    /** A frame of {@code length} bytes whose payload is random: no two are alike. */
    public static byte[] randomFrame(long destination, long source, int etherType, int length, Random random) {
        ByteBuffer frame = header(destination, source, etherType, length);
        byte[] payload = new byte[length - EthernetFrame.HEADER_LENGTH];
        random.nextBytes(payload);
        frame.put(EthernetFrame.HEADER_LENGTH, payload);
        return frame.array();
    }

    /** A vport's keepalive request, as its frame bytes; {@code offload} asks for offload frames. */
    public static byte[] keepaliveRequest(long source, boolean offload) {
        ByteBuffer request = ByteBuffer.allocate(Keepalive.LENGTH);
        Keepalive.writeRequest(request, source, offload);
        return request.array();
    }

    /** Ethernet, IPv4 and TCP headers, without options: what comes before each segment's payload. */
    public static final int TCP_IPV4_HEADERS = EthernetFrame.HEADER_LENGTH + 20 + 20;

    /**
     * A TCP/IPv4 super-frame as the kernel hands it to a TAP with TSO: a virtio_net_hdr asking for segments of
     * {@code gsoSize} and the TCP checksum, then one frame with the headers for all of the payload ({@code payloadBytes}
     * bytes counting up by 7). As from the kernel, the TCP checksum field holds the pseudo-header sum, so the segments
     * cut from it have right checksums; the IPv4 header checksum is left zero (segmenting fills it in).
     */
    public static byte[] tcpSuperFrame(long destination, long source, int gsoSize, int payloadBytes) {
        int frameLength = TCP_IPV4_HEADERS + payloadBytes;
        ByteBuffer packet = ByteBuffer.allocate(VirtioNetHeader.LENGTH + frameLength);
        int ip = VirtioNetHeader.LENGTH + EthernetFrame.HEADER_LENGTH;
        int tcp = ip + 20;
        VirtioNetHeader.writeGso(packet, 0, VirtioNetHeader.GSO_TCPV4, TCP_IPV4_HEADERS, gsoSize, tcp - VirtioNetHeader.LENGTH, 16);
        EthernetFrame.writeMac(packet, VirtioNetHeader.LENGTH + EthernetFrame.DESTINATION_OFFSET, destination);
        EthernetFrame.writeMac(packet, VirtioNetHeader.LENGTH + EthernetFrame.SOURCE_OFFSET, source);
        packet.putShort(VirtioNetHeader.LENGTH + EthernetFrame.ETHER_TYPE_OFFSET, (short) 0x0800);
        packet.put(ip, (byte) 0x45).putShort(ip + 2, (short) (frameLength - EthernetFrame.HEADER_LENGTH))
                .put(ip + 8, (byte) 64).put(ip + 9, (byte) 6).putInt(ip + 12, 0x0A010165).putInt(ip + 16, 0x0A010166);
        packet.putShort(tcp, (short) 40_000).putShort(tcp + 2, (short) 5201).putInt(tcp + 4, 1)
                .put(tcp + 12, (byte) 0x50).put(tcp + 13, (byte) 0x18).putShort(tcp + 14, (short) 502);
        for (int i = 0; i < payloadBytes; i++) {
            packet.put(tcp + 20 + i, (byte) (i * 7));
        }
        int pseudoHeaderSum = 0x0A01 + 0x0165 + 0x0A01 + 0x0166 + 6 + (frameLength - (tcp - VirtioNetHeader.LENGTH));
        while (pseudoHeaderSum > 0xFFFF) {
            pseudoHeaderSum = (pseudoHeaderSum & 0xFFFF) + (pseudoHeaderSum >>> 16);
        }
        packet.putShort(tcp + 16, (short) pseudoHeaderSum);
        return packet.array();
    }

    private static ByteBuffer header(long destination, long source, int etherType, int length) {
        ByteBuffer frame = ByteBuffer.allocate(length);
        EthernetFrame.writeMac(frame, EthernetFrame.DESTINATION_OFFSET, destination);
        EthernetFrame.writeMac(frame, EthernetFrame.SOURCE_OFFSET, source);
        frame.putShort(EthernetFrame.ETHER_TYPE_OFFSET, (short) etherType);
        return frame;
    }
}
