package dev.vswitch.server.legacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.Keepalive;
import dev.vswitch.protocol.MacAddress;
import dev.vswitch.protocol.Mtu;
import dev.vswitch.protocol.testing.TestFrames;
import dev.vswitch.server.capture.Captures;
import dev.vswitch.server.config.SwitchConfig;
import dev.vswitch.server.config.SwitchConfigs;
import dev.vswitch.server.udp.RecordingPort;
import dev.vswitch.switching.SwitchSettings;
import dev.vswitch.switching.VirtualSwitch;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Path probes and offload fallbacks on the legacy port, through its handler with a recording port and the test's clock
 * (LegacyAmplificationTest sends a probe over real UDP): a probe is echoed at its own length to its sender only, keeps
 * its port alive, and leaves the offload mark alone; a kind-0x01 keepalive after kind-0x03 ones counts one fallback.
 */
class LegacyProbeTest {

    private static final InetSocketAddress ALICE = new InetSocketAddress("198.18.0.1", 40001);
    private static final InetSocketAddress BOB = new InetSocketAddress("198.18.0.2", 40002);
    private static final long ALICE_MAC = 0x02_00_00_00_0B_01L;
    private static final long BOB_MAC = 0x02_00_00_00_0B_02L;

    private final LegacyPort legacy = new LegacyPort(Map.of());
    private final VirtualSwitch<InetSocketAddress> network = legacy.network;

    @Test
    void aProbeOfTheLargestDatagramIsEchoedAtItsLengthToItsSenderOnly() {
        legacy.keepalive(ALICE, ALICE_MAC, false);
        legacy.keepalive(BOB, BOB_MAC, false);
        long keepalives = network.counters().keepalives();

        legacy.receive(probe(ALICE_MAC, Mtu.MAX_DATAGRAM), ALICE);

        List<RecordingPort.Sent> sent = legacy.port.takeAll();
        assertEquals(1, sent.size(), "one echo, nothing forwarded");
        assertEquals(ALICE, sent.get(0).to());
        assertProbeReply(sent.get(0).bytes(), ALICE_MAC, Mtu.MAX_DATAGRAM);
        assertEquals(keepalives + 1, network.counters().keepalives(), "it counts as the vport's keepalive");
        assertEquals(0, network.counters().framesIn(), "and not as a frame");
    }

    @Test
    void aProbeFromANewAddressGetsItAPortAndItsMacIsLearned() {
        legacy.keepalive(BOB, BOB_MAC, false);
        legacy.receive(probe(ALICE_MAC, 1500), ALICE);
        assertProbeReply(legacy.only(ALICE), ALICE_MAC, 1500);

        byte[] frame = TestFrames.frame(ALICE_MAC, BOB_MAC, 0x0800, 100);
        legacy.receive(frame, BOB);
        assertEquals(1, legacy.port.takeSentTo(ALICE).size(), "bob's frame to alice's MAC went to the probing port");
        assertEquals(List.of(), legacy.port.takeAll());
    }

    @Test
    void aProbeLeavesTheOffloadMarkAsItIs() {
        legacy.keepalive(ALICE, ALICE_MAC, true);
        assertTrue(network.ports().find(ALICE).takesOffload());
        legacy.receive(probe(ALICE_MAC, Keepalive.PROBE_MIN_LENGTH), ALICE);
        assertProbeReply(legacy.only(ALICE), ALICE_MAC, Keepalive.PROBE_MIN_LENGTH);
        assertTrue(network.ports().find(ALICE).takesOffload(), "a probe does not say the vport stopped taking them");

        legacy.keepalive(BOB, BOB_MAC, false);
        legacy.receive(probe(BOB_MAC, 9000), BOB);
        legacy.only(BOB);
        assertFalse(network.ports().find(BOB).takesOffload(), "nor that it takes them");
        assertEquals(0, network.counters().offloadFallbacks());
    }

    @Test
    void probesAloneKeepAPortAlive() {
        LegacyPort shortIdle = new LegacyPort(Map.of("vswitch.port-idle-timeout", "20s"));
        shortIdle.keepalive(ALICE, ALICE_MAC, false);
        for (int i = 0; i < 3; i++) {
            shortIdle.advance(Duration.ofSeconds(15));
            shortIdle.receive(probe(ALICE_MAC, 1500), ALICE);
            shortIdle.only(ALICE);
        }
        assertNotNull(shortIdle.network.ports().find(ALICE), "45 s with a probe every 15 s: still attached");
        shortIdle.advance(Duration.ofSeconds(25));
        assertNull(shortIdle.network.ports().find(ALICE), "the idle timeout still applies without them");
    }

    @Test
    void anOrdinaryKeepaliveAfterOffloadOnesClearsTheMarkAndCountsOneFallback() {
        legacy.keepalive(BOB, BOB_MAC, false);
        legacy.keepalive(BOB, BOB_MAC, false);
        assertEquals(0, network.counters().offloadFallbacks(), "ordinary keepalives only: nothing fell back");

        assertEquals(Keepalive.REPLY_OFFLOAD, legacy.keepalive(ALICE, ALICE_MAC, true));
        legacy.keepalive(ALICE, ALICE_MAC, true);
        assertEquals(Keepalive.REPLY, legacy.keepalive(ALICE, ALICE_MAC, false));
        assertFalse(network.ports().find(ALICE).takesOffload(), "the ordinary keepalive cleared the mark");
        assertEquals(1, network.counters().offloadFallbacks());

        legacy.keepalive(ALICE, ALICE_MAC, false);
        assertEquals(1, network.counters().offloadFallbacks(), "only the change counts");
    }

    private static byte[] probe(long mac, int length) {
        ByteBuffer probe = ByteBuffer.allocate(length);
        Keepalive.writeProbe(probe, mac, length);
        return probe.array();
    }

    private static void assertProbeReply(byte[] frame, long mac, int length) {
        ByteBuffer echo = ByteBuffer.wrap(frame);
        assertEquals(length, frame.length, "the echo is as long as the probe");
        assertEquals(Keepalive.PROBE_REPLY, Keepalive.kind(echo, 0, frame.length));
        assertEquals(mac, EthernetFrame.destination(echo, 0), "to the probing vport's MAC");
        assertEquals(MacAddress.ZERO, EthernetFrame.source(echo, 0));
        for (int i = Keepalive.LENGTH; i < frame.length; i++) {
            assertEquals(0, frame[i], "padding at " + i);
        }
    }

    /** The legacy port's handler, its network and a recording port, on the test's clock. */
    private static final class LegacyPort {

        final RecordingPort port = new RecordingPort();
        final VirtualSwitch<InetSocketAddress> network;
        final LegacyDatagramSwitch handler;
        long now = 1_000_000_000_000L;

        LegacyPort(Map<String, String> properties) {
            SwitchConfig config = SwitchConfigs.of(properties);
            SwitchSettings settings = new SwitchSettings(config.maxFrameSize(), config.macAgingTime(),
                    config.portIdleTimeout(), config.maxMacEntries(), config.maxPorts(), config.safety().toL2Safety());
            network = new VirtualSwitch<>("legacy", settings, config.legacy().toOpenNetworkLimits(), now);
            handler = new LegacyDatagramSwitch(port, false, network, new Captures());
        }

        /** Sends a keepalive request from {@code mac} at {@code from}; returns the kind of the switch's one reply. */
        private byte keepalive(InetSocketAddress from, long mac, boolean offload) {
            receive(TestFrames.keepaliveRequest(mac, offload), from);
            byte[] reply = only(from);
            return Keepalive.kind(ByteBuffer.wrap(reply), 0, reply.length);
        }

        private void receive(byte[] datagram, InetSocketAddress from) {
            handler.onDatagram(ByteBuffer.wrap(datagram), from, now);
        }

        /** Time passes, with a sweep each second as the edge makes them. */
        private void advance(Duration time) {
            long end = now + time.toNanos();
            while (now < end) {
                now = Math.min(end, now + 1_000_000_000L);
                handler.sweep(now);
            }
        }

        /** The one datagram the switch sent since the last look, which went to {@code to}. */
        private byte[] only(InetSocketAddress to) {
            List<RecordingPort.Sent> sent = port.takeAll();
            assertEquals(1, sent.size(), "one datagram");
            assertEquals(to, sent.get(0).to());
            return sent.get(0).bytes();
        }
    }
}
