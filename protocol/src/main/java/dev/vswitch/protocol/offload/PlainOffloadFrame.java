package dev.vswitch.protocol.offload;

import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.Keepalive;
import dev.vswitch.protocol.Mtu;
import java.nio.ByteBuffer;

/**
 * The plain format's offload frame ({@code vport connect --legacy --offload}): a virtio_net_hdr and the frame it
 * describes, which may be a TCP segment of up to 64 KB or lack its checksum, carried as one Ethernet frame of its own
 * so that a switch that learns and forwards by MAC needs nothing new to carry it:
 *
 * <pre>
 *   0  destination, source   the carried frame's own (12 bytes)
 *  12  EtherType 0x88B5      IEEE 802's "local experimental" type, as the keepalive's
 *  14  "VSOF"                magic
 *  18  virtio_net_hdr        10 bytes, little-endian, as the TAP reads and writes it
 *  28  the carried frame     whole, its addresses again
 * </pre>
 *
 * The vport reads a TAP with {@code IFF_VNET_HDR} at offset 18 and writes from there, so neither side copies the frame.
 * It sends these only to a switch that answered its {@link Keepalive#REQUEST_OFFLOAD} in kind, and a switch sends them
 * only to vports that asked so; all others get ordinary frames, cut from the carried one by the {@link Segmenter}.
 */
public final class PlainOffloadFrame {

    public static final int ETHER_TYPE = Keepalive.ETHER_TYPE;
    public static final int MAGIC = 0x56534F46; // "VSOF"
    /** Where the virtio_net_hdr starts, from the start of the datagram. */
    public static final int PACKET_OFFSET = EthernetFrame.HEADER_LENGTH + 4;
    /** Bytes in front of the carried frame. */
    public static final int OVERHEAD = PACKET_OFFSET + VirtioNetHeader.LENGTH;
    /** The largest carried frame: the whole offload frame fits one UDP payload over IPv4. */
    public static final int MAX_CARRIED_FRAME = Mtu.MAX_DATAGRAM - OVERHEAD;

    private static final int MAGIC_OFFSET = EthernetFrame.HEADER_LENGTH;

    private PlainOffloadFrame() {
    }

    /** Whether {@code datagram[offset, offset+length)} is shaped as an offload frame (not whether it is valid). */
    public static boolean is(ByteBuffer datagram, int offset, int length) {
        return length >= OVERHEAD
                && EthernetFrame.etherType(datagram, offset) == ETHER_TYPE
                && datagram.getInt(offset + MAGIC_OFFSET) == MAGIC;
    }

    /**
     * Checks an offload frame (one that {@link #is}) at {@code datagram[offset, offset+length)}: the carried frame must
     * have the outer addresses, which the switch learned and forwarded by, and a header the {@link Segmenter} takes.
     * Returns the largest frame that cutting it would give, as {@link Segmenter#segmentFrameLength}, or -1.
     */
    public static int segmentFrameLength(ByteBuffer datagram, int offset, int length) {
        int frame = offset + OVERHEAD;
        if (length < OVERHEAD + EthernetFrame.HEADER_LENGTH
                || datagram.getLong(offset) != datagram.getLong(frame)
                || datagram.getInt(offset + 8) != datagram.getInt(frame + 8)) {
            return -1;
        }
        return Segmenter.segmentFrameLength(datagram, offset + PACKET_OFFSET, length - PACKET_OFFSET);
    }

    /**
     * Fills in the 18 bytes before a virtio_net_hdr and frame already at {@code datagram[offset + PACKET_OFFSET, ...)}:
     * the frame's addresses, the EtherType and the magic.
     */
    public static void writeHeader(ByteBuffer datagram, int offset) {
        int frame = offset + OVERHEAD;
        datagram.putLong(offset, datagram.getLong(frame));
        datagram.putInt(offset + 8, datagram.getInt(frame + 8));
        datagram.putShort(offset + EthernetFrame.ETHER_TYPE_OFFSET, (short) ETHER_TYPE);
        datagram.putInt(offset + MAGIC_OFFSET, MAGIC);
    }
}
