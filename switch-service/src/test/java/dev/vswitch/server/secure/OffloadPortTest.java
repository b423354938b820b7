package dev.vswitch.server.secure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.vswitch.server.OffloadFrames.superFrame;

import dev.vswitch.protocol.Keepalive;
import dev.vswitch.protocol.wire.WireFormat;
import dev.vswitch.server.OffloadFrames;
import dev.vswitch.server.SwitchService;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
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
                OffloadFrames.checkSegment(segment.plaintext(), i, GSO_SIZE, received);
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

    /**
     * Path probes as large as a datagram holds, over real UDP: the switch's edge reads them and sends their echoes,
     * sealed, at the largest UDP payload, in the message type each came in.
     */
    @Test
    void aProbeOfTheLargestDatagramIsEchoedInTheTypeItCameIn() throws Exception {
        try (SecureClient prober = join(); SecureClient bystander = join()) {
            byte[] probe = probe(prober.mac, WireFormat.MAX_PLAINTEXT);
            prober.sendMessage(WireFormat.TYPE_DATA, probe);
            SecureClient.Message echo = prober.receiveMessage();
            assertEquals(WireFormat.TYPE_DATA, echo.type());
            assertEquals(probe.length, echo.plaintext().length);
            assertEquals(Keepalive.PROBE_REPLY, Keepalive.kind(ByteBuffer.wrap(echo.plaintext()), 0, probe.length));

            byte[] offloadProbe = probe(prober.mac, WireFormat.MAX_PLAINTEXT - 10);
            byte[] message = new byte[10 + offloadProbe.length];
            System.arraycopy(offloadProbe, 0, message, 10, offloadProbe.length);
            prober.sendMessage(WireFormat.TYPE_DATA_OFFLOAD, message);
            SecureClient.Message offloadEcho = prober.receiveMessage();
            assertEquals(WireFormat.TYPE_DATA_OFFLOAD, offloadEcho.type());
            assertEquals(message.length, offloadEcho.plaintext().length);
            assertEquals(Keepalive.PROBE_REPLY, Keepalive.kind(ByteBuffer.wrap(offloadEcho.plaintext()), 10, offloadProbe.length));
            assertTrue(bystander.staysSilent(), "a probe is never forwarded");
        }
    }

    private static byte[] probe(long mac, int length) {
        ByteBuffer probe = ByteBuffer.allocate(length);
        Keepalive.writeProbe(probe, mac, length);
        return probe.array();
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

    private SecureClient join() throws Exception {
        return SecureClient.joined(switchService.udpPort(), "lab", MACS.incrementAndGet());
    }
}
