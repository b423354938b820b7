package dev.vswitch.server.secure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.Keepalive;
import dev.vswitch.protocol.wire.WireFormat;
import dev.vswitch.server.SwitchService;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Offload messages through the running switch, from real UDP clients on loopback: a TCP super-frame goes whole to a
 * vport that said it takes them (its keepalive came as an offload message) and is cut into checksummed frames for one
 * that did not; a malformed one is a counted drop.
 */
@QuarkusTest
class OffloadPortTest {

    private static final AtomicLong MACS = new AtomicLong(0x02_00_00_00_20_00L);
    private static final int GSO_SIZE = 1000;
    private static final int SEGMENTS = 5;
    private static final int TCP_OFFSET = 14 + 20;
    private static final int HEADERS = TCP_OFFSET + 20;

    @Inject
    SwitchService switchService;

    @Test
    void aSuperFrameGoesWholeToAnOffloadVportAndInCheckedSegmentsToAnyOther() throws Exception {
        try (SecureClient sender = join(); SecureClient plainPeer = join(); SecureClient offloadPeer = join()) {
            declareOffload(sender);
            declareOffload(offloadPeer);
            byte[] payload = new byte[SEGMENTS * GSO_SIZE - 300];
            new Random(7).nextBytes(payload);

            byte[] toPlain = superFrame(sender.mac, plainPeer.mac, payload, GSO_SIZE);
            sender.sendMessage(WireFormat.TYPE_DATA_OFFLOAD, toPlain);
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            for (int i = 0; i < SEGMENTS; i++) {
                SecureClient.Message segment = plainPeer.receiveMessage();
                assertEquals(WireFormat.TYPE_DATA, segment.type(), "a vport without offload gets ordinary frames");
                byte[] frame = segment.plaintext();
                assertEquals(0, checksum(frame, 14, 20), "IPv4 header checksum of segment " + i);
                int tcpLength = frame.length - TCP_OFFSET;
                assertEquals(0, tcpChecksum(frame, tcpLength), "TCP checksum of segment " + i);
                assertEquals(1000 + i * GSO_SIZE, ByteBuffer.wrap(frame).getInt(TCP_OFFSET + 4), "sequence number");
                received.write(frame, HEADERS, frame.length - HEADERS);
            }
            assertArrayEquals(payload, received.toByteArray(), "the segments carry the payload in order");

            byte[] toOffload = superFrame(sender.mac, offloadPeer.mac, payload, GSO_SIZE);
            sender.sendMessage(WireFormat.TYPE_DATA_OFFLOAD, toOffload);
            SecureClient.Message whole = offloadPeer.receiveMessage();
            assertEquals(WireFormat.TYPE_DATA_OFFLOAD, whole.type());
            assertArrayEquals(toOffload, whole.plaintext(), "an offload vport gets the super-frame as it was sent");
        }
    }

    @Test
    void aMalformedOffloadMessageIsACountedDrop() throws Exception {
        try (SecureClient sender = join(); SecureClient receiver = join()) {
            declareOffload(sender);
            SecureCounters counters = switchService.secureCounters();
            long malformed = counters.drops(PacketDrop.MALFORMED);
            byte[] tinySegments = superFrame(sender.mac, receiver.mac, new byte[4000], 8);
            sender.sendMessage(WireFormat.TYPE_DATA_OFFLOAD, tinySegments);
            sender.sendMessage(WireFormat.TYPE_DATA_OFFLOAD, new byte[5]);

            assertTrue(receiver.staysSilent(), "nothing of a malformed offload message is forwarded");
            assertEquals(malformed + 2, counters.drops(PacketDrop.MALFORMED));
        }
    }

    /** Sends a keepalive as an offload message, which the switch answers in kind. */
    private static void declareOffload(SecureClient client) throws Exception {
        byte[] keepalive = client.keepaliveRequest();
        byte[] message = new byte[10 + keepalive.length];
        System.arraycopy(keepalive, 0, message, 10, keepalive.length);
        client.sendMessage(WireFormat.TYPE_DATA_OFFLOAD, message);
        SecureClient.Message reply = client.receiveMessage();
        assertEquals(WireFormat.TYPE_DATA_OFFLOAD, reply.type(), "the switch answers an offload keepalive in kind");
        byte[] frame = Arrays.copyOfRange(reply.plaintext(), 10, reply.plaintext().length);
        assertEquals(Keepalive.REPLY, Keepalive.kind(ByteBuffer.wrap(frame), 0, frame.length));
    }

    /** A virtio_net_hdr (TCPV4 GSO, checksum to complete) and an Ethernet/IPv4/TCP frame carrying all of {@code payload}. */
    private static byte[] superFrame(long source, long destination, byte[] payload, int gsoSize) {
        ByteBuffer packet = ByteBuffer.allocate(10 + HEADERS + payload.length);
        packet.order(ByteOrder.LITTLE_ENDIAN).put(0, (byte) 1).put(1, (byte) 1).putShort(2, (short) HEADERS)
                .putShort(4, (short) gsoSize).putShort(6, (short) TCP_OFFSET).putShort(8, (short) 16);
        ByteBuffer frame = packet.order(ByteOrder.BIG_ENDIAN).slice(10, HEADERS + payload.length);
        EthernetFrame.writeMac(frame, 0, destination);
        EthernetFrame.writeMac(frame, 6, source);
        frame.putShort(12, (short) 0x0800);
        frame.put(14, (byte) 0x45).putShort(16, (short) (20 + 20 + payload.length)).putShort(18, (short) 0x1234)
                .putShort(20, (short) 0x4000).put(22, (byte) 64).put(23, (byte) 6)
                .putInt(26, 0xC6130001).putInt(30, 0xC6130002);
        frame.putShort(TCP_OFFSET, (short) 40000).putShort(TCP_OFFSET + 2, (short) 5001).putInt(TCP_OFFSET + 4, 1000)
                .putInt(TCP_OFFSET + 8, 1).put(TCP_OFFSET + 12, (byte) 0x50).put(TCP_OFFSET + 13, (byte) 0x18)
                .putShort(TCP_OFFSET + 14, (short) 0xFFFF);
        frame.put(HEADERS, payload);
        return packet.array();
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

    private SecureClient join() throws Exception {
        return SecureClient.joined(switchService.udpPort(), "lab", MACS.incrementAndGet());
    }
}
