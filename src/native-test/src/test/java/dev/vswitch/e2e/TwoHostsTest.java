package dev.vswitch.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A switch and two vports: IPv4 and IPv6 link-local ping in both directions, and the two introduced to each other by
 * the switch once unicast flows between them (rendezvous).
 */
class TwoHostsTest {

    private static final Duration DAD_TIMEOUT = Duration.ofSeconds(20);
    /**
     * The status file is rewritten every second; the endpoints go with the first keepalive reply after the handshake, and
     * the punch that follows an introduction lasts 5 s.
     */
    private static final Duration INTRODUCTION_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern INTRODUCTIONS = Pattern.compile(
            "(?m)^vswitch_rendezvous_introductions_total(?:\\{[^}]*})? ([0-9.E]+)$");

    @RegisterExtension
    final Lab lab = new Lab();

    @Test
    void firstPingIsResolvedByAFloodedArpBroadcastThenPingWorksBothWays() {
        Topology net = startedWithoutIpv6();
        Host h1 = net.host(1);
        Host h2 = net.host(2);
        assertEquals(0, h2.tapTxPackets(), "h2's TAP must not have sent anything before the first ping");

        h1.ping(h2.overlayIp(), 3).orFail();
        h2.ping(h1.overlayIp(), 3).orFail();
    }

    @Test
    void twoVportsThatTalkAreIntroducedAndEachListsTheOtherAsARelayedPeer() {
        Topology net = startedWithoutIpv6();
        Host h1 = net.host(1);
        Host h2 = net.host(2);
        h1.ping(h2.overlayIp(), 3).orFail();

        for (Host[] pair : new Host[][] {{h1, h2}, {h2, h1}}) {
            Host host = pair[0];
            Host other = pair[1];
            JsonNode peer = await(host + " to list " + other + " as a peer").atMost(INTRODUCTION_TIMEOUT)
                    .until(() -> net.introducedPeer(host, other),
                            found -> !found.isMissingNode() && !"punching".equals(found.path("path").asText()));
            System.out.printf("rendezvous: %s lists %s: %s%n", host, other, peer);
            assertTrue(peer.path("endpoint").asText().startsWith(other.underlayIp() + ":"), "the switch sees "
                    + other + " at its underlay address: " + peer);
            assertTrue(peer.path("local").toString().contains("\"" + other.underlayIp() + ":"), other + " reported its"
                    + " underlay address: " + peer);
            assertEquals("relayed", peer.path("path").asText(), "no route joins the hosts but the switch: " + peer);
        }
        Matcher introduced = INTRODUCTIONS.matcher(net.switchApi(1, "/q/metrics"));
        assertTrue(introduced.find() && Double.parseDouble(introduced.group(1)) >= 1, "the switch counted no introduction");
    }

    /**
     * A switch and two vports without IPv6: a new TAP then stays silent (no DAD, MLD or router solicitation), so the
     * switch cannot have learned a host from its own traffic, and h1's first ARP request reaches h2 only if the switch
     * floods the broadcast.
     */
    private Topology startedWithoutIpv6() {
        Topology net = lab.topology(2);
        net.hosts().forEach(Host::disableIpv6);
        net.startSwitch();
        net.startVports();
        return net;
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
