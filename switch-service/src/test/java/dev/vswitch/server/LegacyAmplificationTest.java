package dev.vswitch.server;

import dev.vswitch.protocol.testing.TestFrames;
import dev.vswitch.server.config.SwitchConfig;
import dev.vswitch.server.config.SwitchConfigs;

import dev.vswitch.protocol.Keepalive;
import dev.vswitch.protocol.MacAddress;
import dev.vswitch.protocol.Mtu;
import dev.vswitch.switching.DropReason;
import dev.vswitch.switching.VirtualSwitch;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Finding 4 of issue 18, over real UDP on loopback: on the legacy port any address becomes a port and a flood reaches
 * every port, so one sender made the switch send 200 times what it received. Now bytes out per byte in from one
 * sender stay within vswitch.legacy.max-amplification (4) plus its credit, and new ports come at a bounded rate.
 */
@QuarkusTest
@TestProfile(LegacyAmplificationTest.FewNewPorts.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LegacyAmplificationTest {

    /** Enough for the first test's receivers and sender and the probe test's two ports, which come first. */
    static final int NEW_PORT_BURST = 60;
    static final int RECEIVERS = 50;
    private static final int FACTOR = 4;
    private static final int CREDIT = 16_384;

    /**
     * Ports enough for the receivers of the first test at once, then one a second; the documented amplification
     * limits, which the other tests lift (application.properties).
     */
    public static class FewNewPorts implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("vswitch.legacy.new-ports-per-second", "1",
                    "vswitch.legacy.new-port-burst", String.valueOf(NEW_PORT_BURST),
                    "vswitch.legacy.max-amplification", String.valueOf(FACTOR),
                    "vswitch.legacy.amplification-credit", String.valueOf(CREDIT));
        }
    }

    @Inject
    SwitchService switchService;

    @Test
    @Order(0)
    void theLimitsHereAreTheDocumentedDefaults() {
        SwitchConfig.Legacy defaults = SwitchConfigs.of(Map.of()).legacy();
        assertEquals(FACTOR, defaults.maxAmplification());
        assertEquals(CREDIT, defaults.amplificationCredit());
        assertEquals(10, defaults.newPortsPerSecond());
        assertEquals(20, defaults.newPortBurst());
    }

    @Test
    @Order(1)
    void bytesOutPerByteInFromOneSenderStayWithinTheFactorPlusItsCredit() throws Exception {
        long base = 0x02_00_00_00_00_00L | (System.nanoTime() & 0xFF_0000L);
        List<VportSocket> receivers = new ArrayList<>();
        try (VportSocket sender = new VportSocket(base | 0xFFFF, switchService.legacyUdpPort())) {
            for (int i = 0; i < RECEIVERS; i++) {
                VportSocket receiver = new VportSocket(base | i, switchService.legacyUdpPort());
                receivers.add(receiver);
                receiver.sendKeepalive();
                receiver.receive();
            }
            sender.sendKeepalive();
            sender.receive();
            long in = 0;
            for (int i = 0; i < 100; i++) {
                int length = i < 50 ? 1400 : 60; // the finding's full-size broadcasts, then ARP-sized ones
                sender.send(TestFrames.frame(MacAddress.BROADCAST, sender.mac, 0x0806, length));
                in += length;
            }
            long out = 0;
            for (VportSocket receiver : receivers) {
                for (byte[] datagram; (datagram = receiver.receiveWithin(300)) != null; ) {
                    out += datagram.length;
                }
            }
            System.out.printf("legacy port, %d ports: %d bytes in from one sender, %d bytes out (x%.2f)%n",
                    RECEIVERS + 1, in, out, (double) out / in);
            assertTrue(out <= FACTOR * in + CREDIT, out + " bytes out for " + in + " in");
            assertTrue(out > 0, "the sender's credit pays for some small floods");
            assertTrue(legacy(network -> network.counters().drops(DropReason.AMPLIFICATION)) > 0);

            byte[] unicast = sender.frameTo(receivers.get(0).mac, 1400);
            sender.send(unicast);
            assertArrayEquals(unicast, receivers.get(0).receive(), "unicast still passes: it costs what it earns");
        } finally {
            receivers.forEach(VportSocket::close);
        }
    }

    /**
     * A path probe ({@code vport --offload=auto}) is the one datagram the legacy port answers with more than a few
     * bytes: its echo is exactly as long, to the sender only, so bytes out equal bytes in. At the largest UDP payload it
     * also shows that the port's edge reads and sends datagrams that large.
     */
    @Test
    @Order(2)
    void aProbeIsEchoedToItsSenderAtItsOwnLengthAndNoLonger() throws Exception {
        long base = 0x02_00_00_00_00_00L | (System.nanoTime() & 0xFF_0000L);
        try (VportSocket prober = new VportSocket(base | 0xEEEE, switchService.legacyUdpPort());
             VportSocket bystander = new VportSocket(base | 0xEEEF, switchService.legacyUdpPort())) {
            bystander.sendKeepalive();
            bystander.receive();
            long in = 0;
            long out = 0;
            for (int length : new int[] {Keepalive.PROBE_MIN_LENGTH, 1500, Mtu.MAX_DATAGRAM}) {
                ByteBuffer probe = ByteBuffer.allocate(length);
                Keepalive.writeProbe(probe, prober.mac, length);
                prober.send(probe.array());
                in += length;
                byte[] echo = prober.receive();
                out += echo.length;
                assertEquals(length, echo.length, "the echo of a probe of " + length + " bytes");
                assertEquals(Keepalive.PROBE_REPLY, Keepalive.kind(ByteBuffer.wrap(echo), 0, echo.length));
            }
            assertEquals(in, out, "bytes out equal bytes in");
            assertTrue(prober.staysSilent(), "one echo per probe");
            assertTrue(bystander.staysSilent(), "a probe is never forwarded");
        }
    }

    @Test
    @Order(3)
    void newAddressesGetPortsAtTheConfiguredRateOnly() throws Exception {
        // The last test's ports go first: the kernel may hand a newcomer the source port of one of their closed
        // sockets, and a newcomer that finds a port would be neither attached nor refused.
        List<Integer> earlier = legacy(network -> {
            List<Integer> ids = new ArrayList<>();
            network.ports().forEach(port -> ids.add(port.id()));
            return ids;
        });
        for (int id : earlier) {
            switchService.disconnect(SwitchService.LEGACY_NETWORK, id);
        }
        long started = System.nanoTime();
        int portsBefore = legacy(network -> network.ports().size());
        long refusedBefore = legacy(network -> network.counters().drops(DropReason.NEW_PORT_RATE));
        int newcomers = 100;
        List<VportSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < newcomers; i++) {
                VportSocket newcomer = new VportSocket(0x02_4E_00_00_00_00L | i, switchService.legacyUdpPort());
                sockets.add(newcomer);
                newcomer.send(newcomer.frameTo(MacAddress.BROADCAST, 60));
            }
            await("every newcomer attached or refused").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                    .until(() -> legacy(network -> network.ports().size() - portsBefore
                            + network.counters().drops(DropReason.NEW_PORT_RATE) - refusedBefore) >= newcomers);
            long attached = legacy(network -> network.ports().size()) - portsBefore;
            long refused = legacy(network -> network.counters().drops(DropReason.NEW_PORT_RATE)) - refusedBefore;
            long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds() + 1;
            assertEquals(newcomers, attached + refused, "every newcomer got a port or was refused one");
            assertTrue(attached <= NEW_PORT_BURST + seconds, attached + " new ports in under " + seconds + " s");
            assertTrue(refused >= newcomers - NEW_PORT_BURST - seconds, refused + " refused");
        } finally {
            sockets.forEach(VportSocket::close);
        }
    }

    private <T> T legacy(Function<VirtualSwitch<?>, T> query) throws TimeoutException {
        return switchService.inspect(SwitchService.LEGACY_NETWORK, query, Duration.ofSeconds(2));
    }
}
