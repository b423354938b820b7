package dev.vswitch.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Direct paths between vports, as far as they are built (rendezvous): hosts behind NAT routers made by nftables ({@code
 * masquerade}, endpoint-independent; {@code masquerade random}, symmetric) are introduced to each other by the switch at
 * the endpoint their NAT gives them, with the private address they report, once unicast flows between them. Every frame
 * still goes through the switch.
 */
class DirectPathsTest {

    /** The status file is rewritten every second; the endpoints go with the first keepalive reply after the handshake. */
    private static final Duration INTRODUCTION_TIMEOUT = Duration.ofSeconds(20);

    @RegisterExtension
    final Lab lab = new Lab();

    @Test
    void vportsBehindTwoNatsAreIntroducedAtTheirNatsEndpointsWithTheirPrivateAddresses() {
        Topology net = lab.topology(2);
        Host h1 = net.putBehindNat(1, Topology.Nat.ENDPOINT_INDEPENDENT);
        Host h2 = net.putBehindNat(2, Topology.Nat.SYMMETRIC);
        net.hosts().forEach(Host::disableIpv6);
        net.startSwitch();
        net.startVports();
        h1.ping(h2.overlayIp(), 3).orFail();
        h2.ping(h1.overlayIp(), 3).orFail();

        JsonNode h2SeenByH1 = awaitPeer(net, h1, h2);
        JsonNode h1SeenByH2 = awaitPeer(net, h2, h1);
        for (JsonNode peer : new JsonNode[] {h2SeenByH1, h1SeenByH2}) {
            assertEquals("relayed", peer.path("path").asText(), peer.toString());
        }
        assertTrue(h2SeenByH1.path("endpoint").asText().startsWith(h2.underlayIp() + ":"), "h2 at its NAT's address: "
                + h2SeenByH1);
        assertTrue(h1SeenByH2.path("endpoint").asText().startsWith(h1.underlayIp() + ":"), "h1 at its NAT's address: "
                + h1SeenByH2);
        assertEquals(h1.ownIp() + ":" + port(h1SeenByH2.path("endpoint").asText()), h1SeenByH2.path("local").path(0).asText(),
                "h1's endpoint-independent NAT kept its port, and h1 reported its private address: " + h1SeenByH2);
        String h2Local = h2SeenByH1.path("local").path(0).asText();
        assertTrue(h2Local.startsWith(h2.ownIp() + ":"), "h2 reported its private address: " + h2SeenByH1);
        assertNotEquals(port(h2Local), port(h2SeenByH1.path("endpoint").asText()),
                "h2's symmetric NAT gave the flow to the switch a random port: " + h2SeenByH1);
    }

    private static JsonNode awaitPeer(Topology net, Host host, Host other) {
        JsonNode peer = await(host + " to list " + other + " as a peer").atMost(INTRODUCTION_TIMEOUT)
                .until(() -> net.introducedPeer(host, other), found -> !found.isMissingNode());
        System.out.printf("direct paths: %s lists %s: %s%n", host, other, peer);
        return peer;
    }

    private static String port(String endpoint) {
        return endpoint.substring(endpoint.lastIndexOf(':') + 1);
    }
}
