package dev.vswitch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A switch and two vports: IPv4 and IPv6 link-local ping in both directions. */
class TwoHostsTest {

    private static final Duration DAD_TIMEOUT = Duration.ofSeconds(20);

    @RegisterExtension
    final Lab lab = new Lab();

    @Test
    void firstPingIsResolvedByAFloodedArpBroadcastThenPingWorksBothWays() {
        Topology net = lab.topology(2);
        Host h1 = net.host(1);
        Host h2 = net.host(2);
        // Without IPv6 a new TAP stays silent (no DAD, MLD or router solicitation), so the switch cannot have
        // learned h2 from its own traffic: h1's ARP request only reaches h2 if the switch floods the broadcast.
        net.hosts().forEach(Host::disableIpv6);
        net.startSwitch();
        net.startVports();
        assertEquals(0, h2.tapTxPackets(), "h2's TAP must not have sent anything before the first ping");

        h1.ping(h2.overlayIp(), 3).orFail();
        h2.ping(h1.overlayIp(), 3).orFail();
    }

    @Test
    void ipv6LinkLocalPingWorksBothWaysThanksToMulticastFlooding() {
        Topology net = lab.topology(2);
        Host h1 = net.host(1);
        Host h2 = net.host(2);
        net.startSwitch();
        net.startVports();
        String h1Address = h1.awaitLinkLocalAddress(DAD_TIMEOUT);
        String h2Address = h2.awaitLinkLocalAddress(DAD_TIMEOUT);

        // Neighbour discovery sends its solicitation to a solicited-node multicast group (33:33:ff:..).
        h1.ping(h2Address + "%" + h1.tap(), 3).orFail();
        h2.ping(h1Address + "%" + h2.tap(), 3).orFail();
    }
}
