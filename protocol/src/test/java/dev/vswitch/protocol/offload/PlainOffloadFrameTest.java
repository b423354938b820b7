package dev.vswitch.protocol.offload;

import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.Keepalive;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;

import static dev.vswitch.protocol.offload.Frames.ACK;
import static dev.vswitch.protocol.offload.Frames.PSH;
import static dev.vswitch.protocol.offload.Frames.tcp;
import static dev.vswitch.protocol.offload.VirtioNetHeader.GSO_TCPV4;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlainOffloadFrameTest {

    private static final int GSO_SIZE = 1384;

    /** A 10,000-byte TCP super-frame (virtio header first) wrapped as an offload frame, at an offset in the buffer. */
    private static ByteBuffer wrapped(byte[] packet, int offset) {
        ByteBuffer datagram = ByteBuffer.allocate(offset + PlainOffloadFrame.PACKET_OFFSET + packet.length);
        datagram.put(offset + PlainOffloadFrame.PACKET_OFFSET, packet);
        PlainOffloadFrame.writeHeader(datagram, offset);
        return datagram;
    }

    private static byte[] superFrame() {
        return tcp(true, false, false, new byte[10_000], GSO_TCPV4, GSO_SIZE, ACK | PSH);
    }

    @Test
    void isAnEthernetFrameBetweenTheCarriedFramesOwnAddresses() {
        byte[] packet = superFrame();
        ByteBuffer datagram = wrapped(packet, 0);
        ByteBuffer carried = ByteBuffer.wrap(packet, VirtioNetHeader.LENGTH, packet.length - VirtioNetHeader.LENGTH).slice();
        assertEquals(EthernetFrame.destination(carried, 0), EthernetFrame.destination(datagram, 0),
                "a switch that only reads MACs forwards it where the carried frame goes");
        assertEquals(EthernetFrame.source(carried, 0), EthernetFrame.source(datagram, 0), "and learns the right source");
        assertEquals(Keepalive.ETHER_TYPE, EthernetFrame.etherType(datagram, 0));
        assertEquals(PlainOffloadFrame.OVERHEAD + packet.length - VirtioNetHeader.LENGTH, datagram.limit());
        assertTrue(PlainOffloadFrame.is(datagram, 0, datagram.limit()));
        assertArrayEquals(packet, Arrays.copyOfRange(datagram.array(), PlainOffloadFrame.PACKET_OFFSET, datagram.limit()),
                "the virtio header and frame are carried unchanged");
    }

    @Test
    void checksLikeTheSegmenterWhereverItSits() {
        byte[] packet = superFrame();
        int expected = Segmenter.segmentFrameLength(ByteBuffer.wrap(packet), 0, packet.length);
        assertTrue(expected > 0);
        for (int offset : new int[] {0, 10, 37}) {
            ByteBuffer datagram = wrapped(packet, offset);
            int length = datagram.limit() - offset;
            assertTrue(PlainOffloadFrame.is(datagram, offset, length));
            assertEquals(expected, PlainOffloadFrame.segmentFrameLength(datagram, offset, length), "offset " + offset);
        }
    }

    @Test
    void refusesACarriedFrameWhoseAddressesDifferFromTheOuterOnes() {
        ByteBuffer datagram = wrapped(superFrame(), 0);
        datagram.put(PlainOffloadFrame.OVERHEAD + 11, (byte) 0x55); // the carried source's last byte
        assertEquals(-1, PlainOffloadFrame.segmentFrameLength(datagram, 0, datagram.limit()),
                "segments would leave with a source the switch never learned");
        datagram = wrapped(superFrame(), 0);
        datagram.put(3, (byte) 0x55);
        assertEquals(-1, PlainOffloadFrame.segmentFrameLength(datagram, 0, datagram.limit()), "outer destination changed");
    }

    @Test
    void refusesTruncatedAndMalformedOnes() {
        ByteBuffer datagram = wrapped(superFrame(), 0);
        int full = datagram.limit();
        assertEquals(-1, PlainOffloadFrame.segmentFrameLength(datagram, 0, PlainOffloadFrame.OVERHEAD + 13), "no Ethernet header");
        assertEquals(-1, PlainOffloadFrame.segmentFrameLength(datagram, 0, PlainOffloadFrame.OVERHEAD + 40), "cut inside the TCP header");
        datagram.put(PlainOffloadFrame.PACKET_OFFSET + 1, (byte) 0x33); // unknown gso_type
        assertEquals(-1, PlainOffloadFrame.segmentFrameLength(datagram, 0, full));
    }

    @Test
    void ordinaryFramesAndKeepalivesAreNotOffloadFrames() {
        ByteBuffer keepalive = ByteBuffer.allocate(64);
        Keepalive.writeRequest(keepalive, 0x02_00_00_00_00_01L, true);
        assertFalse(PlainOffloadFrame.is(keepalive, 0, Keepalive.LENGTH), "too short, other magic");
        ByteBuffer frame = wrapped(superFrame(), 0);
        frame.putShort(EthernetFrame.ETHER_TYPE_OFFSET, (short) 0x0800);
        assertFalse(PlainOffloadFrame.is(frame, 0, frame.limit()), "an IPv4 frame");
        frame = wrapped(superFrame(), 0);
        frame.put(PlainOffloadFrame.PACKET_OFFSET - 1, (byte) 'X');
        assertFalse(PlainOffloadFrame.is(frame, 0, frame.limit()), "another experimental protocol");
        assertFalse(PlainOffloadFrame.is(frame, 0, PlainOffloadFrame.OVERHEAD - 1));
    }

    @Test
    void theLargestCarriedFrameFillsOneIpv4UdpPayload() {
        assertEquals(65_507, PlainOffloadFrame.MAX_CARRIED_FRAME + PlainOffloadFrame.OVERHEAD);
    }
}
