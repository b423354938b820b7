package dev.vswitch.switching;

import dev.vswitch.protocol.MacAddress;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A network that any address joins without a handshake (the legacy port): new ports come at a bounded rate, and no
 * port makes the switch send more than the amplification factor times what it sent in, plus its credit.
 */
class OpenNetworkTest {

    private static final long SECOND = 1_000_000_000L;
    private static final OpenNetworkLimits LIMITS = new OpenNetworkLimits(10, 20, 4, 16_384);
    private static final long SENDER = 0x02_00_00_00_00_01L;

    private final VirtualSwitch<Integer> network = new VirtualSwitch<>("legacy", new SwitchSettings(1518,
            Duration.ofSeconds(300), Duration.ofSeconds(300), 100_000, 4096, VirtualSwitchTest.LENIENT), LIMITS, 0);
    private final ForwardingDecision<Integer> decision = new ForwardingDecision<>();

    @Test
    void newPortsAttachAtTheConfiguredRateAndKnownOnesAreNotHeldUp() {
        int attached = sendFromNewAddresses(0, 100, 0);
        assertEquals(20, attached, "the burst");
        assertEquals(80, network.counters().drops(DropReason.NEW_PORT_RATE));
        network.forward(0, 60, MacAddress.BROADCAST, mac(0), SECOND / 2, decision);
        assertEquals(ForwardingDecision.Action.FLOOD, decision.action(), "a port that has one keeps sending");
        assertEquals(10, sendFromNewAddresses(1000, 100, SECOND), "ten a second after that");
        assertEquals(ForwardingDecision.Action.DROP, decision.action());
        assertEquals(DropReason.NEW_PORT_RATE, decision.dropReason());
        assertEquals(null, network.keepalive(5000, mac(5000), SECOND), "a keepalive makes no port either");
    }

    /** Finding 4 of issue 18: 50 broadcasts from one of 200 ports made the switch send 199 times what came in. */
    @Test
    void bytesOutPerByteInFromOnePortStayBelowTheFactorWhateverTheNumberOfPorts() {
        long now = 0;
        for (int port = 0; port < 200; port++, now += SECOND / 10) {
            network.keepalive(port, mac(port), now);
        }
        long in = 0;
        long out = 0;
        int flooded = 0;
        for (int i = 0; i < 100; i++, now += SECOND / 100) {
            int length = i < 50 ? 1400 : 60; // full-size broadcasts, then ARP-sized ones
            network.forward(0, length, MacAddress.BROADCAST, mac(0), now, decision);
            in += length;
            if (decision.action() == ForwardingDecision.Action.FLOOD) {
                out += (long) (network.livePortCount() - 1) * length;
                flooded++;
            } else {
                assertEquals(DropReason.AMPLIFICATION, decision.dropReason());
            }
        }
        assertEquals(200, network.livePortCount());
        assertTrue(out <= 4 * in + LIMITS.creditBytes(), "out " + out + " bytes for " + in + " in");
        assertTrue(flooded > 0, "the credit pays for a few small floods");
        assertEquals(100 - flooded, network.counters().drops(DropReason.AMPLIFICATION));
    }

    @Test
    void aSmallLanNeverFeelsItAndUnicastAlwaysPasses() {
        for (int port = 0; port < 5; port++) {
            network.keepalive(port, mac(port), 0);
        }
        for (int i = 0; i < 10_000; i++) {
            network.forward(0, 1400, MacAddress.BROADCAST, mac(0), i * 1_000_000L, decision);
            assertEquals(ForwardingDecision.Action.FLOOD, decision.action(), "four ports: within a factor of 4");
            network.forward(1, 1400, mac(2), mac(1), i * 1_000_000L, decision);
            assertEquals(ForwardingDecision.Action.UNICAST, decision.action());
        }
    }

    @Test
    void aPortThatAlsoSendsUnicastEarnsItsBroadcastsOnABigLan() {
        for (int port = 0; port < 100; port++) {
            network.keepalive(port, mac(port), port * SECOND / 10);
        }
        long now = 10 * SECOND;
        int arps = 0;
        for (int i = 0; i < 1000; i++, now += SECOND / 100) {
            network.forward(1, 1400, mac(2), mac(1), now, decision); // a transfer: 5,600 bytes of credit, 1,400 spent
            if (i % 10 == 0) {
                network.forward(1, 60, MacAddress.BROADCAST, mac(1), now, decision); // an ARP to 99 ports: 5,940
                arps += decision.action() == ForwardingDecision.Action.FLOOD ? 1 : 0;
            }
        }
        assertEquals(100, arps, "every ARP of a host that talks");
    }

    /** New addresses {@code first}.. send a frame each at {@code now}; returns how many got a port. */
    private int sendFromNewAddresses(int first, int count, long now) {
        int before = network.livePortCount();
        for (int endpoint = first; endpoint < first + count; endpoint++) {
            network.forward(endpoint, 60, MacAddress.BROADCAST, mac(endpoint), now, decision);
        }
        return network.livePortCount() - before;
    }

    private static long mac(int endpoint) {
        return 0x02_00_00_00_00_00L | endpoint + 1;
    }
}
