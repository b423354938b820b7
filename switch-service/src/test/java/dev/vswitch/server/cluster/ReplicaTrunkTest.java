package dev.vswitch.server.cluster;

import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.MacAddress;
import dev.vswitch.protocol.keys.KeyFiles;
import dev.vswitch.protocol.keys.Keys;
import dev.vswitch.protocol.noise.NoiseException;
import dev.vswitch.protocol.noise.Sha256;
import dev.vswitch.protocol.noise.X25519;
import dev.vswitch.protocol.rendezvous.Rendezvous;
import dev.vswitch.protocol.wire.HandshakeResponder;
import dev.vswitch.server.ExternalTool;
import dev.vswitch.server.SwitchService;
import dev.vswitch.server.secure.PacketDrop;
import dev.vswitch.server.secure.SecureClient;
import dev.vswitch.switching.DropReason;
import dev.vswitch.switching.VirtualSwitch;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The running switch as one replica of a cluster whose other replicas the test plays over loopback UDP: the
 * switch dials the replica its peer list names, carries every network's frames over the trunk tagged with
 * their network, keeps networks apart, applies split horizon between trunks, and refuses replicas without the
 * switch key or the cluster secret.
 */
@QuarkusTest
@TestProfile(ReplicaTrunkTest.Replica.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicaTrunkTest {

    private static final String SECRET = "c2NhbGUtb3V0IHRlc3Qgc2VjcmV0LCBub3QgYSBrZXk=";
    private static final byte[] TRUNK_KEY = Sha256.hmac(Keys.decode(SECRET, "secret"),
            "vswitch trunk psk v1".getBytes(StandardCharsets.US_ASCII));
    private static final String TOKEN = "test-api-token-not-a-secret";
    private static final String REPLICA_PORT = "replica-trunk-test.replica-port"; // not under vswitch., whose keys are checked
    private static final String SWITCH_PORT = "replica-trunk-test.switch-port";
    private static final AtomicLong MACS = new AtomicLong(0x02_00_00_00_50_00L);
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * The switch's peer list names a loopback port where the test's replica listens, and the switch itself, as
     * a list shared by all replicas does.
     */
    public static class Replica implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("vswitch.port", String.valueOf(freePort(SWITCH_PORT)),
                    "vswitch.cluster.peers", "127.0.0.1:" + replicaPort() + ",127.0.0.1:" + freePort(SWITCH_PORT),
                    "vswitch.cluster.secret", SECRET);
        }
    }

    private static TestReplica replica;

    @Inject
    SwitchService switchService;

    static int replicaPort() {
        return freePort(REPLICA_PORT);
    }

    /** A free loopback UDP port, the same for every class loader of this JVM (the profile's and the test's). */
    private static synchronized int freePort(String property) {
        return Integer.parseInt((String) System.getProperties().computeIfAbsent(property, key -> {
            try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                return String.valueOf(probe.getLocalPort());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }));
    }

    @AfterAll
    static void closeReplica() {
        if (replica != null) {
            replica.close();
        }
    }

    @Test
    @Order(1)
    void theSwitchDialsItsPeerRefusesAnotherSecretAndComesUpWithTheRightOne() throws Exception {
        replica = new TestReplica(replicaPort(), switchService.udpPort());
        byte[] switchKey = switchPrivateKey();
        HandshakeResponder.Initiation first = replica.awaitInitiation(switchKey);
        assertTrue(first.network().matches("@replica/[0-9a-f]{16}"), first.network());
        assertArrayEquals(X25519.publicKey(switchKey), first.initiatorStatic(), "a replica dials with the switch key");

        long failed = handshakes(TrunkHandshake.FAILED);
        replica.answer(first, switchKey, Keys.generate(RANDOM)); // another cluster's secret
        awaitHandshakes(TrunkHandshake.FAILED, failed + 1);
        assertEquals("connecting", peerState(replica.address()));

        HandshakeResponder.Initiation again = replica.awaitInitiation(switchKey);
        assertEquals(first.network(), again.network(), "the same replica id dials again");
        replica.answer(again, switchKey, TRUNK_KEY);
        assertEquals(0, replica.receivePlain().length, "the switch confirms the session with a keepalive");
        assertEquals("up", peerState(replica.address()));
        int trunks = onLab(lan -> lan.ports().trunkCount());
        assertEquals(1, trunks, "a trunk port in the network");
    }

    @Test
    @Order(2)
    void theSwitchFindsItselfInThePeerList() throws Exception {
        // That it then stops dialing itself: ReplicaTrunkHandlerTest, on the test's clock.
        String self = "127.0.0.1:" + switchService.udpPort();
        awaitPeerState(self, "self");
        assertTrue(handshakes(TrunkHandshake.SELF) >= 1);
    }

    @Test
    @Order(3)
    void framesOfAVportGoOutOnTheTrunkTaggedWithTheirNetwork() throws Exception {
        try (SecureClient vport = join("lab")) {
            byte[] broadcast = vport.frameTo(MacAddress.BROADCAST, 60);
            vport.sendFrame(broadcast);
            TestReplica.TaggedFrame arrived = replica.receive();
            assertEquals("lab", arrived.network());
            assertArrayEquals(broadcast, arrived.frame());
        }
    }

    @Test
    @Order(4)
    void framesFromTheTrunkReachTheVportsAndAnswersGoBackOverIt() throws Exception {
        long remoteHost = MACS.incrementAndGet();
        try (SecureClient vport = join("lab")) {
            byte[] broadcast = TestReplica.frame(MacAddress.BROADCAST, remoteHost, 60);
            replica.send("lab", broadcast);
            assertArrayEquals(broadcast, vport.receiveFrame());
            byte[] unicast = TestReplica.frame(vport.mac, remoteHost, 800);
            replica.send("lab", unicast);
            assertArrayEquals(unicast, vport.receiveFrame());
            byte[] answer = vport.frameTo(remoteHost, 200);
            vport.sendFrame(answer);
            TestReplica.TaggedFrame arrived = replica.receive();
            assertEquals("lab", arrived.network());
            assertArrayEquals(answer, arrived.frame(), "the host behind the trunk was learned there");
        }
    }

    @Test
    @Order(5)
    void networksStayIsolatedAcrossTheTrunk() throws Exception {
        long dropsBefore = switchService.secureCounters().drops(PacketDrop.UNKNOWN_NETWORK);
        try (SecureClient lab = join("lab"); SecureClient office = join("office")) {
            long remoteHost = MACS.incrementAndGet();
            replica.send("office", TestReplica.frame(MacAddress.BROADCAST, remoteHost, 60));
            assertEquals(60, office.receiveFrame().length);
            assertTrue(lab.staysSilent(), "an office frame never reaches the lab");
            replica.send("office", TestReplica.frame(lab.mac, remoteHost, 70));
            assertEquals(70, office.receiveFrame().length, "unknown in the office, so flooded there");
            assertTrue(lab.staysSilent(), "but never to the lab, where that MAC lives");

            office.sendFrame(office.frameTo(MacAddress.BROADCAST, 60));
            assertEquals("office", replica.receive().network());
            replica.send("nowhere", TestReplica.frame(MacAddress.BROADCAST, remoteHost, 60));
            assertTrue(lab.staysSilent() && office.staysSilent());
        }
        assertEquals(dropsBefore + 1, switchService.secureCounters().drops(PacketDrop.UNKNOWN_NETWORK));
    }

    @Test
    @Order(6)
    void whatCameFromOneTrunkNeverGoesOutOnAnother() throws Exception {
        long behindFirst = MACS.incrementAndGet();
        long behindSecond = MACS.incrementAndGet();
        try (TestReplica second = new TestReplica(0, switchService.udpPort()); SecureClient vport = join("lab")) {
            assertTrue(second.dial(switchPrivateKey(), X25519.publicKey(switchPrivateKey()), TRUNK_KEY));
            awaitPeerState(second.address(), "up");
            assertEquals(2, (int) onLab(lan -> lan.ports().trunkCount()));

            byte[] fromFirst = TestReplica.frame(MacAddress.BROADCAST, behindFirst, 60);
            replica.send("lab", fromFirst);
            assertArrayEquals(fromFirst, vport.receiveFrame());
            assertTrue(second.staysSilent(), "a flood from a trunk goes to the vports only");
            byte[] fromSecond = TestReplica.frame(MacAddress.BROADCAST, behindSecond, 60);
            second.send("lab", fromSecond);
            assertArrayEquals(fromSecond, vport.receiveFrame());
            assertTrue(replica.staysSilent());

            long splitHorizon = onLab(lan -> lan.counters().drops(DropReason.SPLIT_HORIZON));
            replica.send("lab", TestReplica.frame(behindSecond, behindFirst, 100));
            assertTrue(second.staysSilent(), "a unicast from a trunk to a host behind another is not relayed");
            assertEquals(splitHorizon + 1, (long) onLab(lan -> lan.counters().drops(DropReason.SPLIT_HORIZON)));

            vport.sendFrame(vport.frameTo(MacAddress.BROADCAST, 60));
            assertEquals("lab", replica.receive().network());
            assertEquals("lab", second.receive().network(), "a vport's flood reaches every replica");
        }
    }

    @Test
    @Order(7)
    void aReplicaWithoutTheSwitchKeyOrTheClusterSecretIsRefused() throws Exception {
        byte[] switchPublic = X25519.publicKey(switchPrivateKey());
        long refused = handshakes(TrunkHandshake.REFUSED);
        try (TestReplica stranger = new TestReplica(0, switchService.udpPort())) {
            assertFalse(stranger.dial(X25519.generatePrivateKey(RANDOM), switchPublic, TRUNK_KEY),
                    "a trunk handshake from another static key gets no answer");
        }
        assertEquals(refused + 1, handshakes(TrunkHandshake.REFUSED));
        try (TestReplica outsider = new TestReplica(0, switchService.udpPort())) {
            assertThrows(NoiseException.class, () -> outsider.dial(switchPrivateKey(), switchPublic, Keys.generate(RANDOM)),
                    "with another cluster secret the switch's response does not authenticate");
            assertEquals("connecting", peerState(outsider.address()), "and no trunk comes up");
        }
    }

    @Test
    @Order(8)
    void apiAndMetricsShowThePeers() throws Exception {
        try (SecureClient vport = join("lab")) {
            vport.sendFrame(vport.frameTo(MacAddress.BROADCAST, 100));
            replica.receive();
        }
        given().header("Authorization", "Bearer " + TOKEN).when().get("/api/v1/cluster/peers").then().statusCode(200)
                .body("find { it.address == '" + replica.address() + "' }.state", equalTo("up"))
                .body("find { it.address == '" + replica.address() + "' }.discovered", equalTo(true));
        given().when().get("/api/v1/cluster/peers").then().statusCode(401);
        String metrics = given().header("Accept", "text/plain; version=0.0.4").when().get("/q/metrics").then()
                .statusCode(200).extract().asString();
        assertTrue(metrics.contains("vswitch_cluster_peers{state=\"up\""), "peers by state");
        String sent = metrics.lines().filter(line -> line.matches("vswitch_cluster_peer_frames_sent_total\\{peer=\"\\d+\".*"))
                .findFirst().orElseThrow(() -> new AssertionError("no per-peer series")); // numbered: endpoint-labels is off
        assertTrue(Double.parseDouble(sent.substring(sent.lastIndexOf(' ') + 1)) >= 1, sent);
        assertTrue(metrics.contains("vswitch_cluster_handshakes_total{result=\"completed\""));
        assertPromtoolAccepts(metrics);
    }

    @Test
    @Order(9)
    void aSilentReplicaIsDeclaredDeadItsHostsForgottenAndDialedUntilItAnswers() throws Exception {
        long behindReplica = MACS.incrementAndGet();
        replica.send("lab", TestReplica.frame(MacAddress.BROADCAST, behindReplica, 60));
        awaitMac(behindReplica, true);
        replica.quiet(true);
        awaitPeerState(replica.address(), "down");
        assertEquals(0, (int) onLab(lan -> lan.ports().trunkCount()), "its trunk port is detached");
        awaitMac(behindReplica, false);

        byte[] switchKey = switchPrivateKey();
        replica.answer(replica.awaitInitiation(switchKey), switchKey, TRUNK_KEY);
        replica.quiet(false);
        awaitPeerState(replica.address(), "up");
        try (SecureClient vport = join("lab")) {
            vport.sendFrame(vport.frameTo(MacAddress.BROADCAST, 60));
            assertEquals("lab", replica.receive().network(), "the replica rejoined");
        }
    }

    @Test
    @Order(10)
    void aReflectedCopyOfTheSwitchsOwnInitiationNeverCutsTheTrunk() throws Exception {
        replica.quiet(true);
        awaitPeerState(replica.address(), "down");
        byte[] switchKey = switchPrivateKey();
        HandshakeResponder.Initiation dialed = replica.awaitInitiation(switchKey);
        long self = handshakes(TrunkHandshake.SELF);
        reflect(replica.lastInitiationReceived); // from another address: it proves nothing about the replica's
        awaitHandshakes(TrunkHandshake.SELF, self + 1);
        assertEquals("down", peerState(replica.address()), "one reflected packet does not make the replica 'self'");
        replica.answer(dialed, switchKey, TRUNK_KEY);
        replica.quiet(false);
        awaitPeerState(replica.address(), "up");
    }

    @Test
    @Order(11)
    void aLinkTakenForItselfRecoversOnTheFirstGenuineHandshake() throws Exception {
        replica.quiet(true);
        awaitPeerState(replica.address(), "down");
        byte[] switchKey = switchPrivateKey();
        for (int dial = 0; dial < ReplicaMesh.SELF_ECHOES; dial++) { // every dial reflected: taken for itself
            replica.awaitInitiation(switchKey);
            reflect(replica.lastInitiationReceived);
        }
        awaitPeerState(replica.address(), "self");
        assertTrue(replica.dial(switchKey, X25519.publicKey(switchKey), TRUNK_KEY), "the replica dials in");
        replica.quiet(false);
        awaitPeerState(replica.address(), "up");
    }

    @Test
    @Order(12)
    void aCapturedTrunkInitiationIsRefusedFromAnyAddress() throws Exception {
        long replayed = handshakes(TrunkHandshake.REPLAYED);
        byte[] captured = replica.lastInitiationSent;
        reflect(captured); // the replica's own initiation, replayed from a new address
        awaitHandshakes(TrunkHandshake.REPLAYED, replayed + 1);
    }

    @Test
    @Order(13)
    void aPathThatEchoesProbesCarriesLargeFramesWhole() throws Exception {
        awaitPath(replica.address(), "proven");
        try (SecureClient vport = join("lab")) {
            byte[] large = vport.frameTo(MacAddress.BROADCAST, 1400); // 1,404 bytes with the tag: over 1,200
            vport.sendFrame(large);
            TestReplica.TaggedFrame arrived = replica.receive();
            assertArrayEquals(large, arrived.frame());
            assertEquals(0, arrived.pieces(), "one message");
        }
    }

    @Test
    @Order(14)
    void aPathThatStopsEchoingFallsBackAndLargeFramesCrossInPieces() throws Exception {
        long fallbacks = onMesh(ClusterCounters::pathFallbacks);
        long cut = onMesh(ClusterCounters::framesCut);
        replica.echoProbes(false); // as a path that stopped carrying datagrams over 1,280 bytes would
        awaitPath(replica.address(), "fell back");
        assertEquals(fallbacks + 1, onMesh(ClusterCounters::pathFallbacks));
        try (SecureClient vport = join("lab")) {
            byte[] large = vport.frameTo(MacAddress.BROADCAST, 1400);
            vport.sendFrame(large);
            TestReplica.TaggedFrame arrived = replica.receive();
            assertArrayEquals(large, arrived.frame());
            assertEquals("lab", arrived.network());
            assertEquals(2, arrived.pieces(), "in two pieces of at most 1,200 bytes");
            byte[] small = vport.frameTo(MacAddress.BROADCAST, 1100);
            vport.sendFrame(small);
            assertEquals(0, replica.receive().pieces(), "a frame that crosses any path goes whole");
        }
        assertEquals(cut + 1, onMesh(ClusterCounters::framesCut));
        String metrics = given().header("Accept", "text/plain; version=0.0.4").when().get("/q/metrics").then()
                .statusCode(200).extract().asString();
        assertTrue(metrics.contains("vswitch_cluster_path_fallbacks_total"), "the fallback metric");
        assertTrue(metrics.contains("vswitch_cluster_pieced_frames_total{outcome=\"cut\""), "the pieced frames metric");
        replica.echoProbes(true);
        awaitPath(replica.address(), "proven");
    }

    @Test
    @Order(15)
    void framesInPiecesFromAReplicaAreJoinedInAnyOrderAndBrokenPiecesCounted() throws Exception {
        long remoteHost = MACS.incrementAndGet();
        long joined = onMesh(ClusterCounters::framesJoined);
        long abandoned = onMesh(ClusterCounters::framesAbandoned);
        try (SecureClient vport = join("lab")) {
            byte[] frame = TestReplica.frame(vport.mac, remoteHost, 1400);
            replica.sendPieces("lab", frame, 1, 500, 2, 0, 1); // three pieces, the last first
            assertArrayEquals(frame, vport.receiveFrame());
            assertEquals(joined + 1, onMesh(ClusterCounters::framesJoined));

            byte[] next = TestReplica.frame(vport.mac, remoteHost, 900);
            replica.sendPieces("lab", TestReplica.frame(vport.mac, remoteHost, 1400), 2, 1000, 1); // its first is lost
            replica.sendPieces("lab", next, 3, 600, 0, 1);
            assertArrayEquals(next, vport.receiveFrame(), "the next frame arrives; the one missing a piece does not");
            assertEquals(abandoned + 1, onMesh(ClusterCounters::framesAbandoned));

            long malformed = switchService.inspectSecure(port -> port.counters().drops(PacketDrop.MALFORMED),
                    Duration.ofSeconds(2));
            replica.sendPlain(new byte[] {TrunkFrames.PIECE, 0, 0, 0, 4, 0x7f, 0x7f, 0, 20, 1, 2, 3}); // data beyond its frame
            await("the malformed piece counted").atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(20))
                    .until(() -> switchService.inspectSecure(port -> port.counters().drops(PacketDrop.MALFORMED),
                            Duration.ofSeconds(2)) == malformed + 1);
            assertTrue(vport.staysSilent());
        }
    }

    @Test
    @Order(16)
    void aProbeIsEchoedAtItsOwnLength() throws Exception {
        byte[] probe = new byte[1000];
        probe[0] = TrunkFrames.PROBE;
        replica.sendPlain(probe);
        byte[] echo = replica.receiveOwn(TrunkFrames.ECHO);
        assertEquals(probe.length, echo.length, "never more than the probe");
    }

    @Test
    @Order(17)
    void rendezvousCrossesTheTrunkBothWays() throws Exception {
        long remoteVport = MACS.incrementAndGet();
        try (SecureClient vport = join("lab")) {
            List<InetSocketAddress> reported = List.of(new InetSocketAddress("198.18.0.60", 40060));
            ByteBuffer message = ByteBuffer.allocate(300);
            Rendezvous.writeEndpoints(message, vport.mac, reported);
            vport.sendFrame(Arrays.copyOf(message.array(), message.limit()));
            replica.send("lab", TestReplica.frame(MacAddress.BROADCAST, remoteVport, 60)); // the switch learns where it lives
            vport.receiveFrame();

            byte[] unicast = vport.frameTo(remoteVport, 100);
            vport.sendFrame(unicast);
            assertArrayEquals(unicast, replica.receive().frame(), "the frame crosses the trunk as ever");
            TestReplica.TaggedFrame offer = replica.receive();
            assertEquals("lab", offer.network());
            ByteBuffer offered = ByteBuffer.wrap(offer.frame());
            assertEquals(Rendezvous.PEER, Rendezvous.kind(offered, 0, offer.frame().length), "then an introduction");
            assertEquals(remoteVport, EthernetFrame.destination(offered, 0), "for the vport of the MAC over there");
            Rendezvous.PeerIntro about = Rendezvous.readPeer(offered, 0, offer.frame().length);
            assertArrayEquals(X25519.publicKey(vport.privateKey), about.publicKey());
            assertEquals(vport.mac, about.mac());
            assertEquals(vport.localAddress(), about.observed());
            assertEquals(reported, about.local());

            byte[] remoteKey = new byte[32];
            RANDOM.nextBytes(remoteKey);
            Rendezvous.PeerIntro answer = new Rendezvous.PeerIntro(remoteKey, remoteVport,
                    new InetSocketAddress("198.18.0.61", 40061), List.of());
            Rendezvous.writePeer(message, vport.mac, answer);
            replica.send("lab", Arrays.copyOf(message.array(), message.limit()));
            byte[] delivered = vport.receiveFrame();
            Rendezvous.PeerIntro introduced = Rendezvous.readPeer(ByteBuffer.wrap(delivered), 0, delivered.length);
            assertArrayEquals(remoteKey, introduced.publicKey(), "the other replica's answer reaches the vport");
            assertEquals(answer.observed(), introduced.observed());
            assertTrue(replica.staysSilent(), "an answer to this replica's own introduction is not answered again");
            vport.sendFrame(vport.frameTo(remoteVport, 100));
            replica.receive();
            assertTrue(replica.staysSilent(), "a pair is introduced once while its unicast flows");
        }
    }

    @Test
    @Order(18)
    void anIntroductionThatComesBeforeTheVportReportsItsEndpointsWaitsForThem() throws Exception {
        // The other replica sends its introduction once: a vport that joined a moment earlier must still get it.
        long remoteVport = MACS.incrementAndGet();
        try (SecureClient vport = join("lab")) {
            vport.sendFrame(vport.frameTo(MacAddress.BROADCAST, 60)); // the switch learns where the vport lives
            replica.receive();
            byte[] remoteKey = new byte[32];
            RANDOM.nextBytes(remoteKey);
            Rendezvous.PeerIntro about = new Rendezvous.PeerIntro(remoteKey, remoteVport,
                    new InetSocketAddress("198.18.0.62", 40062), List.of());
            ByteBuffer message = ByteBuffer.allocate(300);
            Rendezvous.writePeer(message, vport.mac, about);
            replica.send("lab", Arrays.copyOf(message.array(), message.limit()));
            assertTrue(vport.staysSilent(), "not to a vport that has not said it takes introductions");
            assertTrue(replica.staysSilent(), "nor answered yet");

            List<InetSocketAddress> reported = List.of(new InetSocketAddress("198.18.0.63", 40063));
            Rendezvous.writeEndpoints(message, vport.mac, reported);
            vport.sendFrame(Arrays.copyOf(message.array(), message.limit()));
            byte[] delivered = vport.receiveFrame();
            Rendezvous.PeerIntro introduced = Rendezvous.readPeer(ByteBuffer.wrap(delivered), 0, delivered.length);
            assertArrayEquals(remoteKey, introduced.publicKey(), "handed on once the vport reported");
            TestReplica.TaggedFrame answer = replica.receive();
            ByteBuffer answered = ByteBuffer.wrap(answer.frame());
            assertEquals(remoteVport, EthernetFrame.destination(answered, 0), "and answered for the vport over there");
            assertEquals(reported, Rendezvous.readPeer(answered, 0, answer.frame().length).local());
        }
    }

    @Test
    @Order(19)
    void anIdleTrunkSendsKeepalivesBesideItsProbes() throws Exception {
        // A path that drops the large probes must still carry something small, or the other side takes the trunk for dead.
        int keepalives = 0;
        int probes = 0;
        long deadline = System.nanoTime() + 3_500_000_000L;
        while (System.nanoTime() < deadline) {
            byte[] plain = replica.receivePlain();
            if (plain.length == 0) {
                keepalives++;
            } else if (plain[0] == TrunkFrames.PROBE) {
                probes++;
            }
        }
        assertTrue(probes >= 2 && keepalives >= 2, probes + " probes and " + keepalives + " keepalives in 3.5 s");
    }

    private <T> T onMesh(Function<ClusterCounters, T> query) throws TimeoutException {
        return switchService.inspectSecure(port -> query.apply(port.mesh().counters()), Duration.ofSeconds(2));
    }

    /**
     * Waits until the API shows the path to the peer at {@code address} as {@code verdict}, the test replica reading
     * (and so echoing, unless told not to) the switch's probes meanwhile.
     */
    private static void awaitPath(String address, String verdict) {
        await("the path to " + address + " " + verdict).atMost(Duration.ofSeconds(8)).pollInterval(Duration.ZERO)
                .until(() -> {
                    replica.staysSilent();
                    return peerField(address, "path");
                }, verdict::equals);
    }

    /** Sends {@code datagram} to the switch from a fresh loopback port, as an attacker elsewhere would. */
    private void reflect(byte[] datagram) throws IOException {
        try (DatagramSocket attacker = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            attacker.send(new DatagramPacket(datagram, datagram.length,
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), switchService.udpPort())));
        }
    }

    private void awaitMac(long mac, boolean present) {
        await(MacAddress.format(mac) + (present ? " learned" : " forgotten")).atMost(Duration.ofSeconds(3))
                .pollInterval(Duration.ofMillis(20)).until(() -> onLab(lan -> {
                    boolean[] found = {false};
                    lan.macTable().forEach((entry, port, seen) -> found[0] |= entry == mac);
                    return found[0];
                }) == present);
    }

    private static void assertPromtoolAccepts(String metrics) throws Exception {
        String promtool = ExternalTool.require("promtool", "prometheus");
        Path file = Files.createTempFile("vswitch-cluster-metrics", ".txt");
        try {
            Files.writeString(file, metrics);
            Process check = new ProcessBuilder(promtool, "check", "metrics").redirectInput(file.toFile())
                    .redirectErrorStream(true).start();
            assertTrue(check.waitFor(30, TimeUnit.SECONDS), "promtool finished");
            String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, check.exitValue(), "promtool check metrics found problems:\n" + output);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private SecureClient join(String network) throws IOException {
        return SecureClient.joined(switchService.udpPort(), network, MACS.incrementAndGet());
    }

    private static byte[] switchPrivateKey() throws IOException {
        return KeyFiles.read(Path.of("target/test-keys/switch.key"), "switch key");
    }

    private <T> T onLab(Function<VirtualSwitch<?>, T> query) throws TimeoutException {
        return switchService.inspect("lab", query, Duration.ofSeconds(2));
    }

    private long handshakes(TrunkHandshake result) throws TimeoutException {
        return switchService.inspectSecure(port -> port.mesh().counters().handshakes(result), Duration.ofSeconds(2));
    }

    private void awaitHandshakes(TrunkHandshake result, long atLeast) {
        await(result.label() + " handshakes counted").atMost(Duration.ofSeconds(3))
                .pollInterval(Duration.ofMillis(20)).until(() -> handshakes(result) >= atLeast);
    }

    /** The state the API shows for the peer at {@code address}, or "none". */
    private static String peerState(String address) {
        return peerField(address, "state");
    }

    /** A field the API shows for the peer at {@code address}, or "none". */
    private static String peerField(String address, String field) {
        List<Map<String, Object>> peers = given().header("Authorization", "Bearer " + TOKEN)
                .when().get("/api/v1/cluster/peers").then().statusCode(200).extract().jsonPath().getList("$");
        return peers.stream().filter(peer -> address.equals(peer.get("address")))
                .map(peer -> (String) peer.get(field)).findFirst().orElse("none");
    }

    private static void awaitPeerState(String address, String state) {
        // dead after 3 s, noticed at the next tick
        await("the peer at " + address).atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(20))
                .until(() -> peerState(address), state::equals);
    }
}
