package dev.vswitch.server.secure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.Keepalive;
import dev.vswitch.protocol.Mtu;
import dev.vswitch.protocol.offload.VirtioNetHeader;
import dev.vswitch.protocol.wire.WireFormat;
import dev.vswitch.server.session.PortEndpoint;
import dev.vswitch.switching.Port;
import dev.vswitch.switching.SwitchCounters;
import dev.vswitch.switching.VirtualSwitch;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Path probes ({@code vport --offload=auto}) and offload fallbacks through the secure port's handler, with a recording
 * port and the test's clock: a probe is echoed at its own length, in the message type it came in, to its sender only;
 * it keeps the port alive but does not touch its offload mark; an ordinary keepalive after offload ones counts one
 * fallback.
 */
class PathProbeHandlerTest {

    private static final InetSocketAddress ALICE = new InetSocketAddress("198.18.0.1", 40001);
    private static final InetSocketAddress BOB = new InetSocketAddress("198.18.0.2", 40002);
    private static final long ALICE_MAC = 0x02_00_00_00_0A_01L;
    private static final long BOB_MAC = 0x02_00_00_00_0A_02L;

    private final InProcessSwitch server = new InProcessSwitch();

    @Test
    void aProbeAsLargeAsADatagramHoldsIsEchoedAtItsLengthToItsSenderOnly() {
        InProcessVport alice = new InProcessVport(server, "lab", ALICE_MAC, ALICE).join();
        InProcessVport bob = new InProcessVport(server, "lab", BOB_MAC, BOB).join();
        long keepalives = lab().counters().keepalives();

        alice.probe(WireFormat.MAX_PLAINTEXT, false);

        byte[] echo = alice.onlyAnswer();
        assertEquals(Mtu.MAX_DATAGRAM, echo.length, "the echo is as large as the probe: the largest UDP payload over IPv4");
        assertEquals(WireFormat.TYPE_DATA, echo[0]);
        assertProbeReply(alice.open(echo), ALICE_MAC, WireFormat.MAX_PLAINTEXT);
        assertEquals(List.of(), bob.receivedFrames(), "a probe is never forwarded");
        assertEquals(keepalives + 1, lab().counters().keepalives(), "it counts as the vport's keepalive");
        assertEquals(0, lab().counters().framesIn(), "and not as a frame");
    }

    @Test
    void aProbeInAnOffloadMessageIsEchoedInOneAndLeavesTheOffloadMarkAsItIs() {
        InProcessVport alice = new InProcessVport(server, "lab", ALICE_MAC, ALICE).join();
        InProcessVport bob = new InProcessVport(server, "lab", BOB_MAC, BOB).join();
        Port<PortEndpoint> port = portAt(ALICE);
        int length = WireFormat.MAX_PLAINTEXT - VirtioNetHeader.LENGTH;

        alice.probe(length, true);

        byte[] echo = alice.onlyAnswer();
        assertEquals(Mtu.MAX_DATAGRAM, echo.length);
        assertEquals(WireFormat.TYPE_DATA_OFFLOAD, echo[0], "answered in the message type it came in");
        byte[] plain = alice.open(echo);
        assertArrayEquals(new byte[VirtioNetHeader.LENGTH], Arrays.copyOf(plain, VirtioNetHeader.LENGTH),
                "an all-zero virtio_net_hdr before the echo");
        assertProbeReply(Arrays.copyOfRange(plain, VirtioNetHeader.LENGTH, plain.length), ALICE_MAC, length);
        assertFalse(port.takesOffload(), "a probe in an offload message does not say the vport takes them");

        alice.keepalive(true);
        assertTrue(port.takesOffload());
        alice.probe(Keepalive.PROBE_MIN_LENGTH, false);
        byte[] smallest = alice.onlyAnswer();
        assertEquals(WireFormat.TYPE_DATA, smallest[0]);
        assertProbeReply(alice.open(smallest), ALICE_MAC, Keepalive.PROBE_MIN_LENGTH);
        assertTrue(port.takesOffload(), "nor does an ordinary one say that it no longer does");
        assertEquals(0, lab().counters().offloadFallbacks());
        assertEquals(List.of(), bob.receivedFrames());
    }

    @Test
    void probesAloneKeepAPortAlive() {
        InProcessSwitch shortIdle = new InProcessSwitch(Map.of("vswitch.port-idle-timeout", "20s"));
        InProcessVport alice = new InProcessVport(shortIdle, "lab", ALICE_MAC, ALICE).join();
        VirtualSwitch<PortEndpoint> lan = shortIdle.handler.lan("lab");

        for (int i = 0; i < 3; i++) {
            shortIdle.advance(Duration.ofSeconds(15));
            alice.probe(1500, false);
            alice.onlyAnswer();
        }
        assertNotNull(portAt(lan, ALICE), "45 s with a probe every 15 s: still attached");

        shortIdle.advance(Duration.ofSeconds(25));
        assertNull(portAt(lan, ALICE), "the idle timeout still applies without them");
    }

    @Test
    void anOrdinaryKeepaliveAfterOffloadOnesClearsTheMarkAndCountsOneFallback() {
        InProcessVport alice = new InProcessVport(server, "lab", ALICE_MAC, ALICE).join();
        InProcessVport bob = new InProcessVport(server, "lab", BOB_MAC, BOB).join();
        SwitchCounters counters = lab().counters();

        bob.keepalive(false);
        bob.keepalive(false);
        assertEquals(0, counters.offloadFallbacks(), "ordinary keepalives only: nothing fell back");

        alice.keepalive(true);
        alice.keepalive(true);
        assertTrue(portAt(ALICE).takesOffload());
        byte[] reply = alice.keepalive(false);
        assertEquals(Keepalive.REPLY, Keepalive.kind(ByteBuffer.wrap(reply), 0, reply.length));
        assertFalse(portAt(ALICE).takesOffload(), "the ordinary keepalive cleared the mark");
        assertEquals(1, counters.offloadFallbacks());

        alice.keepalive(false);
        assertEquals(1, counters.offloadFallbacks(), "only the change counts");
        assertEquals(0, server.handler.networkCounters().get("other").offloadFallbacks(), "counted in alice's network");
    }

    private VirtualSwitch<PortEndpoint> lab() {
        return server.handler.lan("lab");
    }

    private Port<PortEndpoint> portAt(InetSocketAddress address) {
        return portAt(lab(), address);
    }

    /** The vport's port whose datagrams go to {@code address}, or null. */
    private static Port<PortEndpoint> portAt(VirtualSwitch<PortEndpoint> lan, InetSocketAddress address) {
        AtomicReference<Port<PortEndpoint>> found = new AtomicReference<>();
        lan.ports().forEach(port -> {
            if (address.equals(port.endpoint().sendAddress())) {
                found.set(port);
            }
        });
        return found.get();
    }

    /** The echo of a probe of {@code length} bytes, to {@code mac}, zero-padded. */
    static void assertProbeReply(byte[] frame, long mac, int length) {
        ByteBuffer echo = ByteBuffer.wrap(frame);
        assertEquals(length, frame.length, "the echo is as long as the probe");
        assertEquals(Keepalive.PROBE_REPLY, Keepalive.kind(echo, 0, frame.length));
        assertEquals(mac, EthernetFrame.destination(echo, 0), "to the probing vport's MAC");
        assertEquals(0, EthernetFrame.source(echo, 0));
        for (int i = Keepalive.LENGTH; i < frame.length; i++) {
            assertEquals(0, frame[i], "padding at " + i);
        }
    }
}
