package dev.vswitch.protocol.offload;

import java.nio.ByteBuffer;

import static dev.vswitch.protocol.offload.Segmenter.fold;
import static dev.vswitch.protocol.offload.Segmenter.sum;
import static dev.vswitch.protocol.offload.VirtioNetHeader.GSO_TCPV4;
import static dev.vswitch.protocol.offload.VirtioNetHeader.GSO_TCPV6;
import static dev.vswitch.protocol.offload.VirtioNetHeader.LENGTH;

/**
 * The receiving half of TCP offload, what GRO does for a network card: consecutive frames of one TCP flow, which
 * crossed the underlay as path-MTU datagrams, are joined back into one super-frame that goes onto the TAP in one write
 * with a virtio_net_hdr asking for nothing but a pending checksum (as wireguard-go's TCP coalescing). The kernel's TCP
 * stack then takes one packet where it would take dozens, and answers it with one ACK.
 *
 * <p>The flow, for each frame {@link #add}ed:
 * <ol>
 *   <li>A frame that is not a plain TCP segment carrying data (any other protocol, IP options or fragments, a flag
 *       other than ACK and PSH, a bad checksum) goes out on its own, after whatever is held.</li>
 *   <li>A segment that continues the held one goes onto its end: same Ethernet, IP and TCP headers but for lengths,
 *       IPv4 id and checksums and the window, the next sequence number, a payload no longer than the first's.</li>
 *   <li>Any other segment sends what is held out and is held in its place.</li>
 * </ol>
 * What is held goes out at {@link #flush}, which the receiver calls when no datagram is waiting any more: coalescing
 * never delays a frame beyond the batch it arrived in. As in the kernel's GRO, a segment with PSH, or shorter than the
 * first, ends a super-frame; checksums are checked before joining, since the super-frame's is never checked again.
 *
 * <p>Frames come as [10-byte virtio header, all zero][Ethernet frame] in a big-endian buffer from position 0 to its
 * limit; they are copied, so the buffer may be reused at once. Nothing is allocated per frame. Not thread-safe.
 */
public final class TcpCoalescer {

    /** Writes a packet onto the TAP: [virtio header][frame] from position 0 to the limit, valid only during the call. */
    public interface Sink {
        /** @param frames how many frames the packet joins; @param frameBytes their bytes, as they arrived */
        void write(ByteBuffer packet, int frames, int frameBytes);
    }

    /** The longest an IP packet can say it is, in the IPv4 total length or the IPv6 header plus payload length. */
    private static final int MAX_IP_PACKET = 65_535;
    private static final int ETHERNET_HEADER = 14;
    private static final int VLAN_TAGGED_HEADER = 18;
    private static final int ETHER_TYPE_VLAN = 0x8100;
    private static final int ETHER_TYPE_IPV4 = 0x0800;
    private static final int ETHER_TYPE_IPV6 = 0x86DD;
    private static final int IPV4_HEADER = 20;
    private static final int IPV6_HEADER = 40;
    private static final int PROTO_TCP = 6;
    private static final int TCP_MIN_HEADER = 20;
    private static final int TCP_FLAGS = 13;
    private static final int TCP_WINDOW = 14;
    private static final int TCP_CSUM_OFFSET = 16;
    private static final int TCP_PSH = 0x08;
    private static final int TCP_ACK = 0x10;
    private static final int FRAME = LENGTH;

    private final Sink sink;
    /** The held super-frame, [virtio header][frame]; big-endian for the header patching and the checksum. */
    private final ByteBuffer held = ByteBuffer.allocateDirect(LENGTH + VLAN_TAGGED_HEADER + IPV6_HEADER + MAX_IP_PACKET);
    /** Frames joined in {@link #held}; 0 when nothing is held. */
    private int frames;
    private int frameBytes;

    // The held segment's layout and where the next may join, valid while frames > 0. The layout of the frame being
    // added is read into the same kind of fields first, so checking it allocates nothing.
    private boolean heldV4;
    private int heldNet;
    private int heldL4;
    private int heldHeaderLength;
    private int gsoSize;
    private int nextSequence;
    /** A PSH or short segment joined: nothing may follow it. */
    private boolean ended;

    private boolean v4;
    private int net;
    private int l4;
    private int headerLength;

    public TcpCoalescer(Sink sink) {
        this.sink = sink;
    }

    /** Steps 1-3 of the class comment for the packet [virtio header][frame] in packet[0, limit). */
    public void add(ByteBuffer packet) {
        int frameLength = packet.limit() - FRAME;
        if (!isJoinable(packet, frameLength)) {
            flush();
            sink.write(packet.position(0), 1, frameLength);
            return;
        }
        if (frames > 0 && continuesHeld(packet, frameLength)) {
            append(packet, frameLength);
            return;
        }
        flush();
        hold(packet, frameLength);
    }

    /** Sends what is held out: alone as it came, or as a super-frame with its virtio header. */
    public void flush() {
        if (frames == 0) {
            return;
        }
        int end = held.position();
        if (frames > 1) {
            finishSuperFrame(end - FRAME);
        }
        int joined = frames;
        frames = 0;
        sink.write(held.limit(end).position(0), joined, frameBytes);
        held.clear();
    }

    /** Step 1: reads the frame's layout into {@link #v4}, {@link #net}, {@link #l4} and {@link #headerLength}. */
    private boolean isJoinable(ByteBuffer packet, int frameLength) {
        if (frameLength < ETHERNET_HEADER + IPV4_HEADER + TCP_MIN_HEADER || !VirtioNetHeader.isPlain(packet, 0)) {
            return false;
        }
        int etherType = u16(packet, FRAME + 12);
        net = ETHERNET_HEADER;
        if (etherType == ETHER_TYPE_VLAN) {
            net = VLAN_TAGGED_HEADER;
            etherType = u16(packet, FRAME + 16);
        }
        int ip = FRAME + net;
        if (etherType == ETHER_TYPE_IPV4) {
            v4 = true;
            l4 = net + IPV4_HEADER;
            if ((packet.get(ip) & 0xFF) != 0x45 // no options
                    || u16(packet, ip + 2) != frameLength - net
                    || (u16(packet, ip + 6) & 0x3FFF) != 0 // neither a fragment nor followed by one
                    || packet.get(ip + 9) != PROTO_TCP) {
                return false;
            }
        } else if (etherType == ETHER_TYPE_IPV6) {
            v4 = false;
            l4 = net + IPV6_HEADER;
            if ((packet.get(ip) & 0xF0) != 0x60
                    || u16(packet, ip + 4) != frameLength - l4
                    || packet.get(ip + 6) != PROTO_TCP) { // extension headers are not joined
                return false;
            }
        } else {
            return false;
        }
        if (frameLength < l4 + TCP_MIN_HEADER) {
            return false;
        }
        int tcp = FRAME + l4;
        headerLength = l4 + ((packet.get(tcp + 12) & 0xF0) >>> 2);
        int flags = packet.get(tcp + TCP_FLAGS) & 0xFF;
        return headerLength >= l4 + TCP_MIN_HEADER && headerLength < frameLength
                && (flags == TCP_ACK || flags == (TCP_ACK | TCP_PSH))
                && checksumIsValid(packet, frameLength);
    }

    private boolean checksumIsValid(ByteBuffer packet, int frameLength) {
        int tcpLength = frameLength - l4;
        long sum = addressSum(packet) + PROTO_TCP + tcpLength + sum(packet, FRAME + l4, FRAME + frameLength);
        return fold(sum) == 0xFFFF;
    }

    private long addressSum(ByteBuffer packet) {
        int ip = FRAME + net;
        return v4 ? sum(packet, ip + 12, ip + 20) : sum(packet, ip + 8, ip + IPV6_HEADER);
    }

    /** Step 2's test: the frame is the held segment's next, and the super-frame can take it. */
    private boolean continuesHeld(ByteBuffer packet, int frameLength) {
        int payload = frameLength - headerLength;
        if (ended || v4 != heldV4 || net != heldNet || headerLength != heldHeaderLength || payload > gsoSize
                || held.position() - FRAME - net + payload > MAX_IP_PACKET
                || packet.getInt(FRAME + l4 + 4) != nextSequence) {
            return false;
        }
        int ip = FRAME + net;
        int tcp = FRAME + l4;
        boolean sameIp = v4
                ? sameBytes(packet, FRAME, ip + 2) // Ethernet, version, header length and TOS
                        && sameBytes(packet, ip + 6, ip + 10) // DF, TTL and protocol (fragments were refused)
                        && sameBytes(packet, ip + 12, ip + IPV4_HEADER) // addresses
                : sameBytes(packet, FRAME, ip + 4) // Ethernet, version, traffic class and flow label
                        && sameBytes(packet, ip + 6, ip + IPV6_HEADER); // next header, hop limit, addresses
        return sameIp
                && sameBytes(packet, tcp, tcp + 4) // ports
                && sameBytes(packet, tcp + 8, tcp + TCP_FLAGS) // acknowledgement, header length
                && sameBytes(packet, tcp + TCP_MIN_HEADER, FRAME + headerLength); // options
    }

    /** Whether packet[from, to) and held[from, to) are the same bytes; by hand, as slices would be allocated. */
    private boolean sameBytes(ByteBuffer packet, int from, int to) {
        int i = from;
        for (; i + 8 <= to; i += 8) {
            if (packet.getLong(i) != held.getLong(i)) {
                return false;
            }
        }
        for (; i < to; i++) {
            if (packet.get(i) != held.get(i)) {
                return false;
            }
        }
        return true;
    }

    /** Step 2: the payload goes onto the held segment's end; PSH and the latest window go into its header. */
    private void append(ByteBuffer packet, int frameLength) {
        int payload = frameLength - headerLength;
        held.put(held.position(), packet, FRAME + headerLength, payload).position(held.position() + payload);
        int tcp = FRAME + l4;
        held.putShort(tcp + TCP_WINDOW, packet.getShort(tcp + TCP_WINDOW));
        if ((packet.get(tcp + TCP_FLAGS) & TCP_PSH) != 0) {
            held.put(tcp + TCP_FLAGS, (byte) (TCP_ACK | TCP_PSH));
            ended = true;
        }
        ended |= payload < gsoSize;
        nextSequence += payload;
        frames++;
        frameBytes += frameLength;
    }

    /** Step 3: the frame is held as the start of a super-frame. */
    private void hold(ByteBuffer packet, int frameLength) {
        held.clear().put(0, packet, 0, FRAME + frameLength).position(FRAME + frameLength);
        heldV4 = v4;
        heldNet = net;
        heldL4 = l4;
        heldHeaderLength = headerLength;
        gsoSize = frameLength - headerLength;
        nextSequence = packet.getInt(FRAME + l4 + 4) + gsoSize;
        ended = (packet.get(FRAME + l4 + TCP_FLAGS) & TCP_PSH) != 0;
        frames = 1;
        frameBytes = frameLength;
    }

    /**
     * The joined frames' headers become the super-frame's: IP lengths (and the IPv4 checksum) for all of it, the TCP
     * checksum field the pseudo-header sum the kernel completes, and a virtio header with gso_size the first segment's
     * payload, so that segmenting it again gives back the frames that were joined.
     */
    private void finishSuperFrame(int frameLength) {
        int ip = FRAME + heldNet;
        long addresses;
        if (heldV4) {
            held.putShort(ip + 2, (short) (frameLength - heldNet));
            held.putShort(ip + 10, (short) 0);
            held.putShort(ip + 10, (short) ~fold(sum(held, ip, ip + IPV4_HEADER)));
            addresses = sum(held, ip + 12, ip + 20);
        } else {
            held.putShort(ip + 4, (short) (frameLength - heldL4));
            addresses = sum(held, ip + 8, ip + IPV6_HEADER);
        }
        held.putShort(FRAME + heldL4 + TCP_CSUM_OFFSET, (short) fold(addresses + PROTO_TCP + frameLength - heldL4));
        VirtioNetHeader.writeGso(held, 0, heldV4 ? GSO_TCPV4 : GSO_TCPV6, heldHeaderLength, gsoSize, heldL4,
                TCP_CSUM_OFFSET);
    }

    private static int u16(ByteBuffer b, int index) {
        return (b.get(index) & 0xFF) << 8 | (b.get(index + 1) & 0xFF);
    }
}
