package dev.vswitch.server;

import dev.vswitch.protocol.testing.TestFrames;
import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.Keepalive;
import dev.vswitch.protocol.MacAddress;
import dev.vswitch.switching.DropReason;
import dev.vswitch.switching.SwitchCounters;
import dev.vswitch.switching.VirtualSwitch;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The legacy plaintext port of the running switch, driven through real UDP sockets on loopback acting as vports. */
@QuarkusTest
class LegacyPortTest {

    private static final Duration INSPECT_TIMEOUT = Duration.ofSeconds(2);

    @Inject
    SwitchService switchService;

    private VportSocket a;
    private VportSocket b;
    private VportSocket c;

    @BeforeEach
    void attachThreeVports() throws Exception {
        int port = switchService.legacyUdpPort();
        long base = 0x02_00_00_00_00_00L | (System.nanoTime() & 0xFF_FF00L); // fresh MACs per test
        a = new VportSocket(base | 0xA, port);
        b = new VportSocket(base | 0xB, port);
        c = new VportSocket(base | 0xC, port);
        for (VportSocket vport : new VportSocket[] {a, b, c}) {
            vport.sendKeepalive();
            byte[] reply = vport.receive();
            assertEquals(Keepalive.REPLY, Keepalive.kind(ByteBuffer.wrap(reply), 0, reply.length));
            assertEquals(vport.mac, EthernetFrame.destination(ByteBuffer.wrap(reply), 0), "reply goes to the vport's MAC");
        }
    }

    @AfterEach
    void detach() {
        a.close();
        b.close();
        c.close();
    }

    @Test
    void broadcastReachesEveryOtherPortButNotTheSender() throws Exception {
        byte[] arp = TestFrames.frame(MacAddress.BROADCAST, a.mac, 0x0806, 42);
        a.send(arp);
        assertArrayEquals(arp, b.receive());
        assertArrayEquals(arp, c.receive());
        assertTrue(a.staysSilent(), "a flood never goes back to its sender");
    }

    @Test
    void unicastToAMacKnownOnlyFromAKeepaliveReachesExactlyThatPort() throws Exception {
        byte[] frame = b.frameTo(a.mac, 98);
        b.send(frame);
        assertArrayEquals(frame, a.receive());
        assertTrue(c.staysSilent(), "known unicast is not flooded");
        assertTrue(b.staysSilent());
    }

    @Test
    void seedStyleVportWithoutKeepalivesIsLearnedFromItsFirstFrame() throws Exception {
        try (VportSocket seed = new VportSocket(0x02_5E_ED_00_00_01L, switchService.legacyUdpPort())) {
            byte[] frame = seed.frameTo(MacAddress.BROADCAST, 60);
            seed.send(frame);
            assertArrayEquals(frame, a.receive());
            assertArrayEquals(frame, b.receive());
            assertArrayEquals(frame, c.receive());
            byte[] answer = a.frameTo(seed.mac, 60);
            a.send(answer);
            assertArrayEquals(answer, seed.receive());
            assertTrue(b.staysSilent());
        }
    }

    @Test
    void garbageIsDroppedAndCountedByReasonAndForwardingGoesOn() throws Exception {
        SwitchCounters counters = legacy(network -> network.counters());
        long runts = counters.drops(DropReason.RUNT);
        long oversize = counters.drops(DropReason.OVERSIZE);
        long invalidSource = counters.drops(DropReason.INVALID_SOURCE);
        int portsBefore = legacy(network -> network.ports().size());
        Random random = new Random(7);
        try (VportSocket attacker = new VportSocket(0x02_BA_D0_00_00_01L, switchService.legacyUdpPort())) {
            for (int length = 0; length < EthernetFrame.HEADER_LENGTH; length++) {
                byte[] runt = new byte[length];
                random.nextBytes(runt);
                attacker.send(runt);
            }
            attacker.send(attacker.frameTo(b.mac, 1519));
            attacker.send(attacker.frameTo(b.mac, 9000));
            attacker.send(TestFrames.frame(b.mac, MacAddress.BROADCAST, 0x0800, 60));
            attacker.send(TestFrames.frame(b.mac, 0x01_00_5E_00_00_01L, 0x0800, 60));
            attacker.send(TestFrames.frame(b.mac, 0, 0x0800, 60));
        }
        byte[] frame = a.frameTo(b.mac, 1518);
        a.send(frame);
        assertArrayEquals(frame, b.receive(), "forwarding goes on after garbage");
        SwitchCounters after = legacy(network -> network.counters());
        assertEquals(runts + EthernetFrame.HEADER_LENGTH, after.drops(DropReason.RUNT));
        assertEquals(oversize + 2, after.drops(DropReason.OVERSIZE));
        assertEquals(invalidSource + 3, after.drops(DropReason.INVALID_SOURCE));
        int portsAfter = legacy(network -> network.ports().size());
        assertEquals(portsBefore, portsAfter, "invalid frames attach no port");
    }

    @Test
    void everyForwardedFrameIsCountedExactly() throws Exception {
        long before = legacy(network -> network.counters().framesIn());
        int frames = 50;
        for (int i = 0; i < frames; i++) {
            byte[] frame = a.frameTo(c.mac, 100 + i);
            a.send(frame);
            assertArrayEquals(frame, c.receive());
        }
        long after = legacy(network -> network.counters().framesIn());
        assertEquals(before + frames, after);
    }


    private <T> T legacy(Function<VirtualSwitch<?>, T> query) throws TimeoutException {
        return switchService.inspect(SwitchService.LEGACY_NETWORK, query, INSPECT_TIMEOUT);
    }
}
