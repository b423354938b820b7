package dev.vswitch.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Direct paths between vports behind NAT routers made by nftables ({@code masquerade}: endpoint-independent mapping;
 * {@code masquerade random}: symmetric), with the switch's namespace routing between the hosts' public addresses as the
 * internet would ({@link Topology#routeBetweenHosts}). Each scenario pings, sends 20 MiB whose SHA-256 must match, and
 * reads the switch's relayed unicast bytes ({@code vswitch_sent_bytes_total{kind="unicast"}}) to see where they went.
 */
class DirectPathsTest {

    /** Introduced, then 5 s of punching at most, then a status file rewritten. */
    private static final Duration PATH_TIMEOUT = Duration.ofSeconds(30);
    private static final int SIZE = 20 * 1024 * 1024;
    private static final Duration TRANSFER_TIMEOUT = Duration.ofSeconds(90);
    private static final Pattern RELAYED_UNICAST = Pattern.compile(
            "(?m)^vswitch_sent_bytes_total\\{[^}]*kind=\"unicast\"[^}]*} ([0-9.E+]+)$");

    @RegisterExtension
    final Lab lab = new Lab();

    @Test
    void vportsBehindTwoNatsAreIntroducedAtTheirNatsEndpointsAndStayRelayedWhereNoRouteJoinsThem() {
        Topology net = lab.topology(2);
        Host h1 = net.putBehindNat(1, Topology.Nat.ENDPOINT_INDEPENDENT);
        Host h2 = net.putBehindNat(2, Topology.Nat.SYMMETRIC);
        started(net);
        h1.ping(h2.overlayIp(), 3).orFail();
        h2.ping(h1.overlayIp(), 3).orFail();

        JsonNode h2SeenByH1 = awaitSettledPath(net, h1, h2);
        JsonNode h1SeenByH2 = awaitSettledPath(net, h2, h1);
        for (JsonNode peer : new JsonNode[] {h2SeenByH1, h1SeenByH2}) {
            assertEquals("relayed", peer.path("path").asText(), peer.toString());
            assertTrue(peer.path("why").asText().startsWith("no candidate answered"), peer.toString());
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

    @Test
    void twoEndpointIndependentNatsGoDirect(@TempDir Path dir) {
        Topology net = behindTwoEndpointIndependentNats();
        Host h1 = net.host(1);
        Host h2 = net.host(2);
        assertDirectAtPublicAddresses(net, h1, h2);
        assertTransferGoesAroundTheSwitch(net, h1, h2, dir, "direct");
        awaitSwitchMetric(net, "vswitch_direct_paths", "", 1);
        awaitSwitchMetric(net, "vswitch_direct_punches_total", "outcome=\"direct\"", 2);
    }

    @Test
    void aSymmetricNatOnEitherSideLeavesThePathRelayedAndSaysWhy(@TempDir Path dir) {
        Topology net = lab.topology(3);
        Host h1 = net.putBehindNat(1, Topology.Nat.ENDPOINT_INDEPENDENT);
        Host h2 = net.putBehindNat(2, Topology.Nat.SYMMETRIC);
        Host h3 = net.putBehindNat(3, Topology.Nat.SYMMETRIC);
        net.routeBetweenHosts();
        started(net);

        for (Host[] pair : new Host[][] {{h1, h2}, {h2, h3}}) {
            Host from = pair[0];
            Host to = pair[1];
            from.ping(to.overlayIp(), 3).orFail();
            for (JsonNode peer : new JsonNode[] {awaitSettledPath(net, from, to), awaitSettledPath(net, to, from)}) {
                assertEquals("relayed", peer.path("path").asText(), from + " and " + to + ": " + peer);
                assertTrue(peer.path("why").asText().startsWith("no candidate answered"), peer.toString());
            }
            double relayed = relayedUnicastBytes(net);
            Transfer.randomBytes(net, from, to, SIZE, dir, from + "-" + to, TRANSFER_TIMEOUT);
            double relayedDuring = relayedUnicastBytes(net) - relayed;
            assertTrue(relayedDuring >= SIZE, "the switch relayed only " + relayedDuring + " bytes of " + from + " to " + to);
        }
        awaitSwitchMetric(net, "vswitch_direct_punches_total", "outcome=\"unanswered\"", 4); // both ends, both pairs
        assertEquals(0, switchMetric(net, "vswitch_direct_paths", ""));
    }

    @Test
    void twoHostsBehindOneNatGoDirectOverTheirPrivateAddresses(@TempDir Path dir) {
        Topology net = lab.topology(2);
        Host h1 = net.putBehindNat(1, Topology.Nat.ENDPOINT_INDEPENDENT);
        Host h2 = net.putBehindNatOf(2, 1);
        net.routeBetweenHosts();
        started(net);

        h1.ping(h2.overlayIp(), 3).orFail();
        JsonNode h2SeenByH1 = awaitSettledPath(net, h1, h2);
        JsonNode h1SeenByH2 = awaitSettledPath(net, h2, h1);
        assertEquals("direct", h2SeenByH1.path("path").asText(), h2SeenByH1.toString());
        assertEquals("direct", h1SeenByH2.path("path").asText(), h1SeenByH2.toString());
        assertTrue(h2SeenByH1.path("direct").asText().startsWith(h2.ownIp() + ":"), "at h2's private address: " + h2SeenByH1);
        assertTrue(h1SeenByH2.path("direct").asText().startsWith(h1.ownIp() + ":"), "at h1's private address: " + h1SeenByH2);
        assertTransferGoesAroundTheSwitch(net, h2, h1, dir, "same-nat");
    }

    @Test
    void aDirectPathCutMidTransferFallsBackToTheSwitchAndTheTransferCompletes(@TempDir Path dir) {
        Topology net = behindTwoEndpointIndependentNats();
        Host h1 = net.host(1);
        Host h2 = net.host(2);
        net.limitUplink(h1, 40); // 20 MiB take about 4 s: the cut comes after 1, the fallback 1.5 s later
        assertDirectAtPublicAddresses(net, h1, h2);

        Path received = dir.resolve("cut-received.bin");
        long bytesBefore = h2.tapRxBytes();
        CompletableFuture<Void> cut = CompletableFuture.runAsync(() -> {
            // The receiver writes its file as it pleases; the bytes onto h2's TAP show how far the transfer got.
            await("a fifth of the transfer to arrive").atMost(TRANSFER_TIMEOUT).pollInterval(Duration.ofMillis(50))
                    .until(() -> h2.tapRxBytes() - bytesBefore >= SIZE / 5);
            net.cutBetween(h1, h2);
        });
        double relayed = relayedUnicastBytes(net);
        Path file = dir.resolve("cut.bin");
        Transfer.writeRandomFile(file, SIZE);
        Transfer.run(net, h1, h2, file, received, TRANSFER_TIMEOUT).assertIntact();
        cut.join();
        double relayedDuring = relayedUnicastBytes(net) - relayed;
        System.out.printf("direct paths: after the cut the switch relayed %.0f unicast bytes%n", relayedDuring);
        assertTrue(relayedDuring >= SIZE / 10.0, "only " + relayedDuring + " bytes went through the switch after the cut");
        JsonNode h2SeenByH1 = net.introducedPeer(h1, h2);
        assertEquals("relayed", h2SeenByH1.path("path").asText(), h2SeenByH1.toString());
        assertEquals("the direct path went silent", h2SeenByH1.path("why").asText(), h2SeenByH1.toString());
        awaitSwitchMetric(net, "vswitch_direct_lost_total", "", 2);
    }

    /** Two hosts, each behind an endpoint-independent NAT of its own, the internet between them; switch and vports up. */
    private Topology behindTwoEndpointIndependentNats() {
        Topology net = lab.topology(2);
        net.putBehindNat(1, Topology.Nat.ENDPOINT_INDEPENDENT);
        net.putBehindNat(2, Topology.Nat.ENDPOINT_INDEPENDENT);
        net.routeBetweenHosts();
        started(net);
        return net;
    }

    /** 20 MiB from {@code from} to {@code to} arrive intact, and the switch relays next to nothing of them. */
    private static void assertTransferGoesAroundTheSwitch(Topology net, Host from, Host to, Path dir, String name) {
        double relayed = relayedUnicastBytes(net);
        Transfer.randomBytes(net, from, to, SIZE, dir, name, TRANSFER_TIMEOUT);
        double relayedDuring = relayedUnicastBytes(net) - relayed;
        System.out.printf("direct paths: the switch relayed %.0f unicast bytes during the 20 MiB transfer '%s'%n",
                relayedDuring, name);
        assertTrue(relayedDuring < SIZE / 20.0, "the transfer went around the switch, yet it relayed " + relayedDuring + " bytes");
    }

    private static void started(Topology net) {
        net.hosts().forEach(Host::disableIpv6);
        net.startSwitch();
        net.startVports();
    }

    /** Unicast between the two introduces them; both then go direct, each to the other's NAT's public address. */
    private static void assertDirectAtPublicAddresses(Topology net, Host h1, Host h2) {
        h1.ping(h2.overlayIp(), 3).orFail();
        JsonNode h2SeenByH1 = awaitSettledPath(net, h1, h2);
        JsonNode h1SeenByH2 = awaitSettledPath(net, h2, h1);
        assertEquals("direct", h2SeenByH1.path("path").asText(), h2SeenByH1.toString());
        assertEquals("direct", h1SeenByH2.path("path").asText(), h1SeenByH2.toString());
        assertEquals(h2SeenByH1.path("endpoint").asText(), h2SeenByH1.path("direct").asText(),
                "h2 answered where the switch sees it: " + h2SeenByH1);
        assertEquals(h1SeenByH2.path("endpoint").asText(), h1SeenByH2.path("direct").asText(),
                "h1 answered where the switch sees it: " + h1SeenByH2);
        h1.ping(h2.overlayIp(), 3).orFail();
    }

    /** The peer entry of {@code other} in {@code host}'s status, once it is listed and no longer punching. */
    private static JsonNode awaitSettledPath(Topology net, Host host, Host other) {
        JsonNode peer = await(host + " to list " + other + " as a peer, punched or not").atMost(PATH_TIMEOUT)
                .until(() -> net.introducedPeer(host, other),
                        found -> !found.isMissingNode() && !"punching".equals(found.path("path").asText()));
        System.out.printf("direct paths: %s lists %s: %s%n", host, other, peer);
        return peer;
    }

    /** The value of the switch's series {@code name} whose labels contain {@code label}, or 0 when it has none. */
    private static double switchMetric(Topology net, String name, String label) {
        Matcher line = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*" + Pattern.quote(label) + "[^}]*})? ([0-9.E+]+)$")
                .matcher(net.switchApi(1, "/q/metrics"));
        return line.find() ? Double.parseDouble(line.group(1)) : 0;
    }

    /** The vports' path reports reach the switch at their next tick, and its gauge follows at its next sweep. */
    private static void awaitSwitchMetric(Topology net, String name, String label, double atLeast) {
        await(name + " " + label + " to reach " + atLeast).atMost(Duration.ofSeconds(10))
                .until(() -> switchMetric(net, name, label), value -> value >= atLeast);
    }

    private static double relayedUnicastBytes(Topology net) {
        Matcher series = RELAYED_UNICAST.matcher(net.switchApi(1, "/q/metrics"));
        double sum = 0;
        while (series.find()) {
            sum += Double.parseDouble(series.group(1));
        }
        return sum;
    }

    private static String port(String endpoint) {
        return endpoint.substring(endpoint.lastIndexOf(':') + 1);
    }
}
