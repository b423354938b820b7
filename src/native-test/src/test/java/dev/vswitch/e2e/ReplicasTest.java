package dev.vswitch.e2e;

import static org.awaitility.Awaitility.await;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vswitch.e2e.SwitchSetup.Network;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale-out: three replicas of one switch in the switch's namespace (UDP 9999, 10000, 10001; one key folder, one
 * cluster secret, each listing all three as peers) make one LAN. Hosts attached to different replicas reach each other
 * with every frame delivered exactly once; a vport given all three replicas fails over by itself when the one it uses
 * is killed, and the LAN works again within ten seconds; a restarted replica rejoins the mesh by itself; two
 * networks stay apart across the replicas; and the TCP segments of vports with {@code --offload} cross the trunks,
 * which carry ordinary frames only, cut into frames by the replica they enter.
 */
class ReplicasTest {

    private static final int REPLICAS = 3;
    private static final int BROADCASTS = 5;
    private static final int SIZE = 20 * 1024 * 1024;
    private static final Duration TRANSFER_TIMEOUT = Duration.ofSeconds(90);
    /** Replicas dial each other every 2 s until they answer; on a busy machine the first trunks take a few rounds. */
    private static final Duration MESH_TIMEOUT = Duration.ofSeconds(40);
    /** The promise: the LAN works again within this time of the replica in use dying. */
    private static final Duration FAILOVER_LIMIT = Duration.ofSeconds(10);
    /** How long we keep looking, longer than the limit, so that a miss reports the real time. */
    private static final Duration FAILOVER_WAIT = Duration.ofSeconds(40);
    /** {@code vport status} reads a file that the vport rewrites every second. */
    private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(20);
    /** {@code ping -D}: "[1700000000.123456] 64 bytes from 198.19.0.2: icmp_seq=7 ttl=64 time=0.41 ms". */
    private static final Pattern TIMED_REPLY = Pattern.compile("^\\[(\\d+\\.\\d+)\\] \\d+ bytes from ", Pattern.MULTILINE);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The vport's summary, printed when it stops, counts the offload messages it sent. */
    private static final Pattern OFFLOAD_SENT = Pattern.compile("offload [1-9]\\d* sent/");
    private static final Pattern PIECES_CUT = Pattern.compile(
            "(?m)^vswitch_cluster_pieced_frames_total\\{[^}]*outcome=\"cut\"[^}]*} ([0-9.E]+)$");

    @RegisterExtension
    final Lab lab = new Lab();

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void hostsOnDifferentReplicasAreOneLanAndEveryFrameArrivesOnce(@TempDir Path dir) throws InterruptedException {
        Topology net = lab.topology(3);
        // No IPv6 and no ARP: the TAPs send nothing of their own, so their counters count only what this test makes.
        net.hosts().forEach(Host::disableIpv6);
        net.startSwitch(SwitchSetup.defaults().replicated(REPLICAS));
        awaitFullMesh(net);
        for (Host host : net.hosts()) {
            net.startVport(host, Join.network(SwitchSetup.DEFAULT_NETWORK).onReplicas(host.index())); // h1 on 1, h2 on 2, h3 on 3
        }
        net.hosts().forEach(host -> host.knowNeighbours(net.hosts()));

        for (Host from : net.hosts()) {
            for (Host to : net.hosts()) {
                if (from != to) {
                    Command.Result ping = from.ping(to.overlayIp(), 3).orFail();
                    assertEquals(3, Host.repliesOf(ping), ping.toString());
                    assertFalse(ping.output().contains("DUP!"), "a duplicate reply from " + to + " to " + from + ": " + ping);
                }
            }
        }

        for (Host sender : List.of(net.host(1), net.host(3))) {
            Map<Host, Long> before = rxPackets(net);
            long sentBefore = sender.tapTxPackets();
            sender.broadcastPing(BROADCASTS);
            net.hosts().forEach(Host::awaitQuietTap);
            long sent = sender.tapTxPackets() - sentBefore;
            Map<Host, Long> received = new LinkedHashMap<>();
            rxPackets(net).forEach((host, rx) -> received.put(host, rx - before.get(host)));
            System.out.printf("replicas: %s on replica %d sent %d broadcast pings; frames received: %s%n", sender,
                    sender.index(), sent, received);
            assertTrue(sent >= BROADCASTS, "only " + sent + " frames left " + sender + "'s TAP");
            for (Host host : net.hosts()) {
                assertEquals(host == sender ? 0 : sent, received.get(host), host + " received " + received.get(host)
                        + " frames while " + sender + " broadcast " + sent + " pings, each should arrive once at every"
                        + " other host and never come back (all: " + received + ")");
            }
        }

        Transfer.randomBytes(net, net.host(1), net.host(2), SIZE, dir, "replica-1-to-replica-2", TRANSFER_TIMEOUT);
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void aVportFailsOverWhenItsReplicaIsKilledAndTheRestartedReplicaRejoins() {
        Topology net = lab.topology(3);
        Host h1 = net.host(1);
        Host h2 = net.host(2);
        Host h3 = net.host(3);
        // No IPv6 and no ARP: when the test sends nothing, the LAN is idle (part 3).
        net.hosts().forEach(Host::disableIpv6);
        net.startSwitch(SwitchSetup.defaults().replicated(REPLICAS));
        awaitFullMesh(net);
        Join join = Join.network(SwitchSetup.DEFAULT_NETWORK);
        Proc v1 = net.startVport(h1, join.onReplicas(1, 2, 3));
        Proc v2 = net.startVport(h2, join.onReplicas(2, 3, 1));
        net.startVport(h3, join.onReplicas(3, 1, 2));
        net.hosts().forEach(host -> host.knowNeighbours(net.hosts()));
        h1.ping(h2.overlayIp(), 3).orFail();
        h1.ping(h3.overlayIp(), 3).orFail();
        awaitStatus(net, h1, "tap1: connected to " + endpoint(h1, 1) + " (network default)");

        // 1. The LAN in use: h1 pings h2 all along; replica 1, h1's, is killed.
        Proc pinger = net.start(h1.ns(), "h1-ping", List.of("ping", "-D", "-n", "-i", "0.2", "-W", "1", "-w", "60",
                h2.overlayIp()), Map.of());
        pinger.awaitLine(Topology.READY_TIMEOUT, "bytes from");
        double killedAt = System.currentTimeMillis() / 1e3;
        net.replica(1).kill();
        String moved = v1.awaitLine(FAILOVER_WAIT, "switch " + endpoint(h1, 1) + " not answering; trying " + endpoint(h1, 2));
        double resumedAt = await("h1's ping to h2 to be answered again").atMost(FAILOVER_WAIT)
                .until(() -> firstReplyAfter(pinger.log(), killedAt + 0.5), Optional::isPresent).get();
        pinger.stop();
        double failover = resumedAt - killedAt;
        System.out.printf("replicas: ping h1 -> h2 answered again %.1f s after replica 1 was killed (vport: %s)%n", failover,
                moved.substring(moved.indexOf("switch ")));
        assertFalse(pinger.log().contains("DUP!"), "duplicate replies:\n" + pinger.log());
        assertTrue(failover <= FAILOVER_LIMIT.toMillis() / 1e3, String.format("the LAN worked again only %.1f s after the"
                + " replica died, more than %d s", failover, FAILOVER_LIMIT.toSeconds()));
        v1.awaitLine(Duration.ZERO, "connected to " + endpoint(h1, 2) + " (network default)");
        awaitStatus(net, h1, "tap1: connected to " + endpoint(h1, 2) + " (network default)");
        h1.ping(h3.overlayIp(), 3).orFail();
        h3.ping(h1.overlayIp(), 3).orFail();

        // 2. Replica 1 comes back with the same configuration: the others and it link up again by themselves.
        long restart = System.nanoTime();
        net.restartReplica(1);
        awaitFullMesh(net);
        System.out.printf("replicas: replica 1 restarted and had its trunks up again %.1f s after it was started%n",
                (System.nanoTime() - restart) / 1e9);
        for (Host from : net.hosts()) {
            for (Host to : net.hosts()) {
                if (from != to) {
                    from.ping(to.overlayIp(), 2).orFail();
                }
            }
        }

        // 3. The LAN idle: replica 2, now h1's and h2's, is killed; both notice by their keepalives (every 5 s, then 2 s
        // for the reply, then 2 s for a handshake) and move to replica 3.
        long h1Sent = h1.tapTxPackets();
        long h2Sent = h2.tapTxPackets();
        long killed = System.nanoTime();
        net.replica(2).kill();
        v1.awaitLine(FAILOVER_WAIT, "connected to " + endpoint(h1, 3));
        v2.awaitLine(FAILOVER_WAIT, "connected to " + endpoint(h2, 3));
        double idleFailover = (System.nanoTime() - killed) / 1e9;
        System.out.printf("replicas: with the LAN idle, h1 and h2 were connected to replica 3 %.1f s after replica 2 was"
                + " killed%n", idleFailover);
        assertEquals(List.of(h1Sent, h2Sent), List.of(h1.tapTxPackets(), h2.tapTxPackets()), "the LAN was not idle");
        assertTrue(idleFailover <= FAILOVER_LIMIT.toMillis() / 1e3, String.format("idle failover took %.1f s", idleFailover));
        h1.ping(h2.overlayIp(), 3).orFail();
        h2.ping(h3.overlayIp(), 3).orFail();
        h3.ping(h1.overlayIp(), 3).orFail();
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void twoNetworksAcrossThreeReplicasStayIsolated() {
        Topology net = lab.topology(4);
        Host h1 = net.host(1);
        Host h2 = net.host(2);
        Host h3 = net.host(3);
        Host h4 = net.host(4);
        net.hosts().forEach(Host::disableIpv6);
        net.startSwitch(SwitchSetup.withNetworks(Network.named("a"), Network.named("b")).replicated(REPLICAS));
        awaitFullMesh(net);
        net.startVport(h1, Join.network("a").onReplicas(1));
        net.startVport(h2, Join.network("a").onReplicas(2));
        net.startVport(h3, Join.network("b").onReplicas(3));
        net.startVport(h4, Join.network("b").onReplicas(1)); // network b, on h1's replica
        // Within each network the hosts know each other's MACs: no ARP refresh of theirs falls into the other's window.
        h1.knowNeighbours(List.of(h2));
        h2.knowNeighbours(List.of(h1));
        h3.knowNeighbours(List.of(h4));
        h4.knowNeighbours(List.of(h3));
        h1.ping(h2.overlayIp(), 3).orFail();
        h2.ping(h1.overlayIp(), 3).orFail();
        h3.ping(h4.overlayIp(), 3).orFail();
        h4.ping(h3.overlayIp(), 3).orFail();

        assertNetworkHearsNothingOfTheOther(net, h1, h2, List.of(h3, h4));
        assertNetworkHearsNothingOfTheOther(net, h3, h4, List.of(h1, h2));
    }

    /**
     * Only {@code sender}'s network speaks: it tries to reach every host of the other network and broadcasts. Its
     * peer hears the broadcasts (the control); the other network's hosts neither answer nor receive a single frame.
     */
    private static void assertNetworkHearsNothingOfTheOther(Topology net, Host sender, Host peer, List<Host> others) {
        Map<Host, Long> before = rxPackets(net);
        for (Host other : others) {
            Command.Result ping = sender.ping(other.overlayIp(), 2);
            assertFalse(ping.succeeded(), sender + " reached " + other + " of the other network: " + ping);
        }
        sender.broadcastPing(BROADCASTS);
        Map<Host, Long> received = new LinkedHashMap<>();
        rxPackets(net).forEach((host, rx) -> received.put(host, rx - before.get(host)));
        System.out.printf("replicas: isolation: while %s tried the other network and broadcast pings, frames received:"
                + " %s%n", sender, received);
        assertTrue(received.get(peer) >= BROADCASTS, peer + ", in " + sender + "'s network, received only "
                + received.get(peer) + " frames, so the test proves nothing");
        for (Host other : others) {
            assertEquals(0, received.get(other), other + " received " + received.get(other) + " frames while only "
                    + sender + "'s network sent anything: frames leaked between networks (" + received + ")");
        }
    }

    /** The TCP segments of vports with offload cross the trunk cut into frames by the replica they enter. */
    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void offloadSegmentsAreCutIntoFramesForTheTrunkToAnotherReplica(@TempDir Path dir) {
        Topology net = lab.topology(2);
        net.startSwitch(SwitchSetup.defaults().replicated(REPLICAS));
        awaitFullMesh(net);
        Join offload = Join.network(SwitchSetup.DEFAULT_NETWORK).withOffload();
        Proc sender = net.startVport(net.host(1), offload.onReplicas(1));
        net.startVport(net.host(2), offload.onReplicas(2));

        Transfer.randomBytes(net, net.host(1), net.host(2), SIZE, dir, "offload-across-replicas", TRANSFER_TIMEOUT);

        assertTrue(sender.stop(), sender + " did not stop");
        assertTrue(OFFLOAD_SENT.matcher(sender.log()).find(), "h1's vport sent no offload message: " + sender.log());
    }

    /**
     * The path between the replicas narrows to a pod network's 1450 bytes and drops IP fragments, where a frame of a
     * vport's full MTU makes a 1,488-byte trunk datagram: the trunks' probes stop being echoed, every replica falls back
     * within seconds, and full-size frames cross in pieces; 20 MiB go each way between hosts on different replicas.
     */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void trunksCarryFullSizeFramesOverAPathThatDropsIpFragments(@TempDir Path dir) {
        Topology net = lab.topology(2);
        net.startSwitch(SwitchSetup.defaults().replicated(REPLICAS));
        awaitFullMesh(net);
        awaitPaths(net, "proven"); // loopback, 64 KB: it carries the largest trunk datagram whole
        long narrowed = System.nanoTime();
        net.narrowReplicaPath(1450);
        awaitPaths(net, "fell back");
        System.out.printf("replicas: every trunk fell back to pieces %.1f s after the path between the replicas narrowed%n",
                (System.nanoTime() - narrowed) / 1e9);
        net.startVport(net.host(1), Join.network(SwitchSetup.DEFAULT_NETWORK).onReplicas(1));
        net.startVport(net.host(2), Join.network(SwitchSetup.DEFAULT_NETWORK).onReplicas(2));

        Transfer.randomBytes(net, net.host(1), net.host(2), SIZE, dir, "narrow-trunk", TRANSFER_TIMEOUT);
        Transfer.randomBytes(net, net.host(2), net.host(1), SIZE, dir, "narrow-trunk-back", TRANSFER_TIMEOUT);

        for (int replica = 1; replica <= 2; replica++) {
            String metrics = net.switchApi(replica, "/q/metrics");
            Matcher cut = PIECES_CUT.matcher(metrics);
            assertTrue(cut.find() && Double.parseDouble(cut.group(1)) > 1000, "replica " + replica + " sent no"
                    + " full-size frames in pieces:\n" + metrics.lines().filter(line -> line.contains("cluster_pieced"))
                    .toList());
            System.out.printf("replicas: replica %d cut %s frames into pieces%n", replica, cut.group(1));
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void vportsOnDifferentReplicasAreIntroducedOverTheTrunkAndGoDirect() {
        Topology net = lab.topology(2);
        net.hosts().forEach(Host::disableIpv6);
        net.routeBetweenHosts(); // the hosts reach each other around the switch
        net.startSwitch(SwitchSetup.defaults().replicated(REPLICAS));
        awaitFullMesh(net);
        net.startVport(net.host(1), Join.network(SwitchSetup.DEFAULT_NETWORK).onReplicas(1));
        net.startVport(net.host(2), Join.network(SwitchSetup.DEFAULT_NETWORK).onReplicas(2));
        net.host(1).ping(net.host(2).overlayIp(), 3).orFail();

        for (Host[] pair : new Host[][] {{net.host(1), net.host(2)}, {net.host(2), net.host(1)}}) {
            JsonNode peer = await(pair[0] + " to reach " + pair[1] + " directly").atMost(STATUS_TIMEOUT.multipliedBy(3))
                    .until(() -> net.introducedPeer(pair[0], pair[1]), found -> "direct".equals(found.path("path").asText()));
            System.out.printf("replicas: %s on replica %d lists %s on replica %d: %s%n", pair[0], pair[0].index(), pair[1],
                    pair[1].index(), peer);
            assertTrue(peer.path("direct").asText().startsWith(pair[1].underlayIp() + ":"), peer.toString());
        }
        net.host(2).ping(net.host(1).overlayIp(), 3).orFail();
    }

    /** Waits until every replica shows the path of its trunk to each other replica as {@code verdict}. */
    private static void awaitPaths(Topology net, String verdict) {
        for (int replica = 1; replica <= REPLICAS; replica++) {
            int self = replica;
            await("replica " + replica + "'s trunk paths to be " + verdict).atMost(MESH_TIMEOUT).until(() -> {
                Map<String, String> paths = peerFields(net, self, "path");
                paths.remove("127.0.0.1:" + SwitchSetup.port(self)); // the peer list names the replica itself too
                return paths;
            }, paths -> paths.size() == REPLICAS - 1 && paths.values().stream().allMatch(verdict::equals));
        }
    }

    /** Waits until {@code vport status} for {@code host} says {@code expected}: the file is rewritten every second. */
    private static void awaitStatus(Topology net, Host host, String expected) {
        await("'vport status' to say '" + expected + "'").atMost(STATUS_TIMEOUT)
                .until(() -> net.vportStatus(host).output(), output -> output.contains(expected));
    }

    /** Waits until every replica has its trunks to all the others up, as its API tells. */
    private static void awaitFullMesh(Topology net) {
        for (int replica = 1; replica <= REPLICAS; replica++) {
            int self = replica;
            await("replica " + replica + " to have trunks up to every other replica").atMost(MESH_TIMEOUT)
                .until(() -> {
                Map<String, String> states = peerStates(net, self);
                for (int other = 1; other <= REPLICAS; other++) {
                    if (other != self && !"up".equals(states.get("127.0.0.1:" + SwitchSetup.port(other)))) {
                        return Optional.empty();
                    }
                }
                return Optional.of(states);
            }, Optional::isPresent).get();
        }
    }

    /** Address to state of replica {@code replica}'s peers, from GET /api/v1/cluster/peers. */
    private static Map<String, String> peerStates(Topology net, int replica) {
        return peerFields(net, replica, "state");
    }

    /** Address to {@code field} of replica {@code replica}'s peers, from GET /api/v1/cluster/peers. */
    private static Map<String, String> peerFields(Topology net, int replica, String field) {
        String body = net.switchApi(replica, "/api/v1/cluster/peers");
        Map<String, String> states = new LinkedHashMap<>();
        try {
            for (JsonNode peer : JSON.readTree(body)) {
                states.put(peer.path("address").asText(), peer.path(field).asText());
            }
        } catch (JsonProcessingException e) {
            throw new AssertionError("the cluster API answered no JSON: " + body, e);
        }
        return states;
    }

    private static Map<Host, Long> rxPackets(Topology net) {
        Map<Host, Long> rx = new LinkedHashMap<>();
        for (Host host : net.hosts()) {
            rx.put(host, host.tapRxPackets());
        }
        return rx;
    }

    /** The time (seconds since the epoch) of the first reply in a {@code ping -D} log after {@code after}. */
    private static Optional<Double> firstReplyAfter(String log, double after) {
        Matcher reply = TIMED_REPLY.matcher(log);
        while (reply.find()) {
            double at = Double.parseDouble(reply.group(1));
            if (at > after) {
                return Optional.of(at);
            }
        }
        return Optional.empty();
    }

    /** Replica {@code replica}'s address on {@code host}'s link, as its vport names it. */
    private static String endpoint(Host host, int replica) {
        return host.switchIp() + ":" + SwitchSetup.port(replica);
    }
}
