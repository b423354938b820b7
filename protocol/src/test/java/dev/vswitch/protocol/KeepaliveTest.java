package dev.vswitch.protocol;

import org.junit.jupiter.api.Test;

import dev.vswitch.protocol.wire.WireFormat;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeepaliveTest {

    private static final long VPORT_MAC = 0x02_00_5E_10_00_01L;

    @Test
    void requestLooksToTheSeedSwitchLikeAFrameItLearnsFromAndDiscards() {
        ByteBuffer request = ByteBuffer.allocate(64);
        Keepalive.writeRequest(request, VPORT_MAC);
        assertEquals(Keepalive.LENGTH, request.remaining());
        assertEquals(MacAddress.ZERO, EthernetFrame.destination(request, 0), "in no MAC table, not broadcast");
        assertEquals(VPORT_MAC, EthernetFrame.source(request, 0), "the seed learns the vport's MAC");
        assertEquals(Keepalive.REQUEST, Keepalive.kind(request, 0, request.remaining()));
    }

    @Test
    void replyIsAddressedToTheVport() {
        ByteBuffer reply = ByteBuffer.allocate(Keepalive.LENGTH);
        Keepalive.writeReply(reply, VPORT_MAC);
        assertEquals(VPORT_MAC, EthernetFrame.destination(reply, 0));
        assertEquals(Keepalive.REPLY, Keepalive.kind(reply, 0, Keepalive.LENGTH));
    }

    @Test
    void offloadKindsSayWhoTakesOffloadFrames() {
        ByteBuffer buffer = ByteBuffer.allocate(Keepalive.LENGTH);
        Keepalive.writeRequest(buffer, VPORT_MAC, true);
        byte request = Keepalive.kind(buffer, 0, Keepalive.LENGTH);
        assertEquals(Keepalive.REQUEST_OFFLOAD, request);
        assertTrue(Keepalive.isRequest(request) && Keepalive.offersOffload(request));
        assertEquals(MacAddress.ZERO, EthernetFrame.destination(buffer, 0), "the seed drops it as it drops a plain request");
        Keepalive.writeReply(buffer, VPORT_MAC, true);
        byte reply = Keepalive.kind(buffer, 0, Keepalive.LENGTH);
        assertEquals(Keepalive.REPLY_OFFLOAD, reply);
        assertTrue(!Keepalive.isRequest(reply) && Keepalive.offersOffload(reply));
        Keepalive.writeRequest(buffer, VPORT_MAC);
        assertTrue(Keepalive.isRequest(Keepalive.REQUEST) && !Keepalive.offersOffload(Keepalive.kind(buffer, 0, Keepalive.LENGTH)));
    }

    @Test
    void theSecureReplyNamesTheSwitchsLargestFrame() {
        ByteBuffer reply = ByteBuffer.allocate(64);
        Keepalive.writeReply(reply, VPORT_MAC, true, 1518, Keepalive.FLAG_DRAINING);
        assertEquals(Keepalive.REPLY_EXTENDED_LENGTH, reply.remaining());
        assertEquals(Keepalive.FLAG_DRAINING, Keepalive.flagsOf(reply, 0, reply.remaining()));
        assertEquals(Keepalive.REPLY_OFFLOAD, Keepalive.kind(reply, 0, reply.remaining()));
        assertEquals(1518, Keepalive.maxFrameOf(reply, 0, reply.remaining()));
        Keepalive.writeReply(reply, VPORT_MAC);
        assertEquals(0, Keepalive.maxFrameOf(reply, 0, reply.remaining()), "the seed's 19-byte reply names none");
        assertEquals(0, Keepalive.flagsOf(reply, 0, reply.remaining()), "and has no flags");
        Keepalive.writeRequest(reply, VPORT_MAC);
        assertEquals(0, Keepalive.kind(reply, 0, Keepalive.REPLY_EXTENDED_LENGTH), "a request never has the extra bytes");
    }

    @Test
    void aProbeAndItsEchoArePaddedToTheSizeTheyProve() {
        ByteBuffer buffer = ByteBuffer.allocate(9000);
        buffer.put(100, (byte) 0x5A);
        Keepalive.writeProbe(buffer, VPORT_MAC, 9000);
        assertEquals(9000, buffer.remaining());
        assertEquals(Keepalive.PROBE, Keepalive.kind(buffer, 0, 9000));
        assertEquals(0, buffer.get(100), "the padding is zeros, whatever the buffer held");
        assertEquals(MacAddress.ZERO, EthernetFrame.destination(buffer, 0), "the seed drops it as it drops a request");
        assertEquals(0, Keepalive.kind(buffer, 0, Keepalive.PROBE_MIN_LENGTH - 1), "shorter than any probe");
        Keepalive.writeProbeReply(buffer, VPORT_MAC, Keepalive.PROBE_MIN_LENGTH);
        assertEquals(Keepalive.PROBE_MIN_LENGTH, buffer.remaining());
        assertEquals(Keepalive.PROBE_REPLY, Keepalive.kind(buffer, 0, buffer.remaining()));
        assertEquals(VPORT_MAC, EthernetFrame.destination(buffer, 0));
        Keepalive.writeRequest(buffer, VPORT_MAC);
        assertEquals(0, Keepalive.kind(buffer, 0, 200), "a request padded out is not a probe");
        assertThrows(IllegalArgumentException.class, () -> Keepalive.writeProbe(buffer, VPORT_MAC, 10_000));
        assertThrows(IllegalArgumentException.class, () -> Keepalive.writeProbe(buffer, VPORT_MAC, Keepalive.LENGTH));
    }

    @Test
    void ordinaryFramesAreNotKeepalives() {
        ByteBuffer frame = ByteBuffer.allocate(Keepalive.LENGTH);
        Keepalive.writeRequest(frame, VPORT_MAC);
        assertEquals(0, Keepalive.kind(frame, 0, Keepalive.LENGTH - 1), "wrong length");
        frame.putShort(EthernetFrame.ETHER_TYPE_OFFSET, (short) 0x0800);
        assertEquals(0, Keepalive.kind(frame, 0, Keepalive.LENGTH), "wrong ether type");
        Keepalive.writeRequest(frame, VPORT_MAC);
        frame.put(Keepalive.LENGTH - 2, (byte) 0);
        assertEquals(0, Keepalive.kind(frame, 0, Keepalive.LENGTH), "wrong magic");
        Keepalive.writeRequest(frame, VPORT_MAC);
        frame.put(Keepalive.LENGTH - 1, (byte) 7);
        assertEquals(0, Keepalive.kind(frame, 0, Keepalive.LENGTH), "unknown kind");
        frame.put(Keepalive.LENGTH - 1, Keepalive.PROBE);
        assertEquals(0, Keepalive.kind(frame, 0, Keepalive.LENGTH), "a probe is never this short");
    }

    @Test
    void defaultTapMtusFitAFullFrameIntoA1500BytePacket() {
        int secureFrame = Mtu.frameLength(WireFormat.DEFAULT_TAP_MTU) + WireFormat.DATA_OVERHEAD;
        assertEquals(Mtu.DEFAULT_PATH_MTU, secureFrame + Mtu.UDP_HEADER + Mtu.IPV6_HEADER);
        assertEquals(1406, WireFormat.DEFAULT_TAP_MTU);
        assertEquals(Mtu.DEFAULT_PATH_MTU, Mtu.frameLength(Mtu.LEGACY_TAP_MTU) + Mtu.UDP_HEADER + Mtu.IPV6_HEADER);
        assertEquals(1438, Mtu.LEGACY_TAP_MTU);
    }
}
