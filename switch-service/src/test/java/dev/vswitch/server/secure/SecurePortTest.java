package dev.vswitch.server.secure;

import dev.vswitch.protocol.MacAddress;
import dev.vswitch.protocol.keys.JoinToken;
import dev.vswitch.protocol.keys.Keys;
import dev.vswitch.protocol.noise.NoiseException;
import dev.vswitch.protocol.noise.X25519;
import dev.vswitch.protocol.wire.HandshakeRefusal.Reason;
import dev.vswitch.protocol.wire.MessageMacs;
import dev.vswitch.server.SwitchService;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The secure port of the running switch, driven by real UDP clients on loopback that speak protocol v1. */
@QuarkusTest
class SecurePortTest {

    private static final AtomicLong MACS = new AtomicLong(0x02_00_00_00_10_00L);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** The private key whose public key the test profile allows into network "closed". */
    private static final byte[] ALLOWED_CLIENT = Keys.decode("0QuUCexyU6EVUUPXkjL7kuvzogTKGIzDcXtqN+hFmYg=", "test key");

    @Inject
    SwitchService switchService;

    @Test
    void membersOfANetworkExchangeFramesEncrypted() throws Exception {
        try (SecureClient a = join("lab"); SecureClient b = join("lab")) {
            byte[] broadcast = a.frameTo(MacAddress.BROADCAST, 60);
            a.sendFrame(broadcast);
            assertArrayEquals(broadcast, b.receiveFrame());
            byte[] unicast = b.frameTo(a.mac, 1400);
            b.sendFrame(unicast);
            assertArrayEquals(unicast, a.receiveFrame());
        }
    }

    @Test
    void networksAreIsolatedEvenForBroadcasts() throws Exception {
        try (SecureClient lab = join("lab"); SecureClient office = join("office"); SecureClient labPeer = join("lab")) {
            lab.sendFrame(lab.frameTo(MacAddress.BROADCAST, 60));
            labPeer.receiveFrame();
            assertTrue(office.staysSilent(), "a lab broadcast never reaches the office network");
            office.sendFrame(office.frameTo(lab.mac, 60));
            assertTrue(lab.staysSilent(), "not even to a MAC that lives in the other network");
        }
    }

    @Test
    void joinTokensAreWrittenOwnerOnly() throws Exception {
        Path file = Path.of("target/test-keys/tokens/lab.token");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        JoinToken token = SecureClient.token("lab");
        assertEquals("lab", token.network());
        assertTrue(token.endpoint().endsWith(":" + switchService.udpPort()));
    }

    @Test
    void aWrongNetworkKeyNeverGetsASession() throws Exception {
        JoinToken real = SecureClient.token("lab");
        JoinToken forged = new JoinToken(real.endpoint(), real.switchPublicKey(), "lab", Keys.generate(RANDOM), null);
        try (SecureClient intruder = new SecureClient(switchService.udpPort(), forged, X25519.generatePrivateKey(RANDOM),
                MACS.incrementAndGet())) {
            assertThrows(NoiseException.class, intruder::handshake, "the switch's response does not decrypt");
        }
    }

    @Test
    void unknownNetworksAndKeysOffTheAllowListAreRefusedAndCounted() throws Exception {
        SecureCounters counters = switchService.secureCounters();
        long unknownNetwork = counters.handshakes(HandshakeResult.UNKNOWN_NETWORK);
        long notAllowed = counters.handshakes(HandshakeResult.CLIENT_NOT_ALLOWED);
        JoinToken lab = SecureClient.token("lab");
        JoinToken nowhere = new JoinToken(lab.endpoint(), lab.switchPublicKey(), "nowhere", lab.networkKey(), null);
        try (SecureClient lost = new SecureClient(switchService.udpPort(), nowhere, X25519.generatePrivateKey(RANDOM), 1L);
             SecureClient stranger = new SecureClient(switchService.udpPort(), SecureClient.token("closed"),
                     X25519.generatePrivateKey(RANDOM), 2L);
             SecureClient member = new SecureClient(switchService.udpPort(), SecureClient.token("closed"), ALLOWED_CLIENT,
                     MACS.incrementAndGet())) {
            assertEquals(Reason.UNKNOWN_NETWORK, lost.refusedHandshake(), "refused, and told why, in 12 bytes");
            assertEquals(Reason.CLIENT_NOT_ALLOWED, stranger.refusedHandshake());
            member.handshake();
        }
        assertEquals(unknownNetwork + 1, counters.handshakes(HandshakeResult.UNKNOWN_NETWORK));
        assertEquals(notAllowed + 1, counters.handshakes(HandshakeResult.CLIENT_NOT_ALLOWED));
    }

    @Test
    void replayedHandshakesAndDataAreRefusedAndCounted() throws Exception {
        SecureCounters counters = switchService.secureCounters();
        long replayedHandshakes = counters.handshakes(HandshakeResult.REPLAYED);
        long replayedData = counters.drops(PacketDrop.REPLAYED);
        try (SecureClient a = join("lab"); SecureClient b = join("lab")) {
            a.sendRaw(a.lastInitiation);
            assertEquals(Reason.STALE_TIMESTAMP, a.receiveRefusal(), "a replayed initiation gets no session, only a refusal");
            a.sendFrame(a.frameTo(b.mac, 100));
            b.receiveFrame();
            a.sendRaw(a.lastData);
            assertTrue(b.staysSilent(), "replayed data is not forwarded");
        }
        assertEquals(replayedHandshakes + 1, counters.handshakes(HandshakeResult.REPLAYED));
        assertEquals(replayedData + 1, counters.drops(PacketDrop.REPLAYED));
    }

    @Test
    void aCapturedInitiationIsRefusedAfterTheSwitchForgotItsClient() throws Exception {
        long replayed = switchService.secureCounters().handshakes(HandshakeResult.REPLAYED);
        try (SecureClient client = join("lab")) {
            byte[] captured = client.lastInitiation;
            int port = switchService.inspect("lab", lan -> {
                int[] id = {-1};
                lan.ports().forEach(p -> {
                    if (p.endpoint() instanceof Peer peer && peer.clientKey().equals(
                            Keys.encode(X25519.publicKey(client.privateKey)))) {
                        id[0] = p.id();
                    }
                });
                return id[0];
            }, Duration.ofSeconds(2));
            assertTrue(switchService.disconnect("lab", port), "the API's DELETE: the switch forgets the client");
            client.sendRaw(captured);
            assertEquals(Reason.STALE_TIMESTAMP, client.receiveRefusal(), "the captured initiation is still refused");
        }
        assertEquals(replayed + 1, switchService.secureCounters().handshakes(HandshakeResult.REPLAYED));
    }

    @Test
    void anInitiationForAnotherSwitchsKeyIsRefusedSoTheVportCanSaySo() throws Exception {
        long badMac = switchService.secureCounters().handshakes(HandshakeResult.BAD_MAC1);
        JoinToken lab = SecureClient.token("lab");
        JoinToken otherSwitch = new JoinToken(lab.endpoint(), X25519.publicKey(X25519.generatePrivateKey(RANDOM)), "lab",
                lab.networkKey(), null);
        try (SecureClient client = new SecureClient(switchService.udpPort(), otherSwitch, X25519.generatePrivateKey(RANDOM),
                MACS.incrementAndGet())) {
            assertEquals(Reason.UNKNOWN_SWITCH_KEY, client.refusedHandshake());
        }
        assertEquals(badMac + 1, switchService.secureCounters().handshakes(HandshakeResult.BAD_MAC1));
    }

    @Test
    void aSecondVportWithTheSameKeyReplacesTheFirstWhoseHandshakesAreThenRefused() throws Exception {
        long inUse = switchService.secureCounters().handshakes(HandshakeResult.KEY_IN_USE);
        byte[] sharedKey = X25519.generatePrivateKey(RANDOM);
        long mac = MACS.incrementAndGet();
        try (SecureClient first = new SecureClient(switchService.udpPort(), SecureClient.token("lab"), sharedKey, mac);
             SecureClient second = new SecureClient(switchService.udpPort(), SecureClient.token("lab"), sharedKey, mac);
             SecureClient peer = join("lab")) {
            first.handshake();
            second.handshake();
            byte[] frame = first.frameTo(peer.mac, 90);
            first.sendFrame(frame);
            assertTrue(peer.staysSilent(), "the replaced session no longer authenticates, so it cannot pull the port back");
            assertEquals(Reason.KEY_IN_USE, first.refusedHandshake(), "and the first vport is told why");
            byte[] fromSecond = second.frameTo(peer.mac, 90);
            second.sendFrame(fromSecond);
            assertArrayEquals(fromSecond, peer.receiveFrame(), "the second vport keeps the port");
        }
        assertEquals(inUse + 1, switchService.secureCounters().handshakes(HandshakeResult.KEY_IN_USE));
    }

    @Test
    void garbledTruncatedAndTamperedPacketsAreDroppedByReason() throws Exception {
        SecureCounters counters = switchService.secureCounters();
        long malformed = counters.drops(PacketDrop.MALFORMED);
        long forged = counters.drops(PacketDrop.FORGED);
        long unknownSession = counters.drops(PacketDrop.UNKNOWN_SESSION);
        long badMac = counters.handshakes(HandshakeResult.BAD_MAC1);
        try (SecureClient a = join("lab"); SecureClient b = join("lab")) {
            a.sendRaw(new byte[0]);
            a.sendRaw(new byte[] {4, 1, 0});
            a.sendRaw(a.frameTo(b.mac, 60)); // a plaintext frame on the secure port
            a.sendFrame(a.frameTo(b.mac, 100));
            b.receiveFrame();
            byte[] tampered = a.lastData.clone();
            tampered[tampered.length - 1] ^= 1;
            tampered[8] ^= 0x40; // a fresh counter, so it is not just a replay
            a.sendRaw(tampered);
            byte[] otherSession = a.lastData.clone();
            otherSession[4] ^= 0x55;
            a.sendRaw(otherSession);
            byte[] badInitiation = a.lastInitiation.clone();
            badInitiation[50] ^= 1;
            a.sendRaw(badInitiation);
            assertTrue(b.staysSilent());
            byte[] frame = a.frameTo(b.mac, 200);
            a.sendFrame(frame);
            assertArrayEquals(frame, b.receiveFrame(), "the session survives all of that");
        }
        assertEquals(malformed + 3, counters.drops(PacketDrop.MALFORMED));
        assertEquals(forged + 1, counters.drops(PacketDrop.FORGED));
        assertEquals(unknownSession + 1, counters.drops(PacketDrop.UNKNOWN_SESSION));
        assertEquals(badMac + 1, counters.handshakes(HandshakeResult.BAD_MAC1));
    }

    @Test
    void anAuthenticatedPacketFromANewAddressMovesTheSessionAnUnauthenticatedOneNever() throws Exception {
        long roams = switchService.secureCounters().roams();
        try (SecureClient laptop = join("lab"); SecureClient server = join("lab"); SecureClient attacker = join("lab")) {
            laptop.sendFrame(laptop.frameTo(server.mac, 80));
            server.receiveFrame();
            laptop.roam();
            byte[] fromNewPlace = laptop.frameTo(server.mac, 80);
            laptop.sendFrame(fromNewPlace);
            assertArrayEquals(fromNewPlace, server.receiveFrame());
            byte[] reply = server.frameTo(laptop.mac, 80);
            server.sendFrame(reply);
            assertArrayEquals(reply, laptop.receiveFrame(), "the switch now sends to the new address");
            byte[] captured = Arrays.copyOf(laptop.lastData, laptop.lastData.length);
            captured[captured.length - 1] ^= 1;
            attacker.sendRaw(captured);
            server.sendFrame(server.frameTo(laptop.mac, 80));
            laptop.receiveFrame();
            assertTrue(attacker.staysSilent(), "a forged packet from elsewhere did not steal the session");
        }
        assertEquals(roams + 1, switchService.secureCounters().roams());
    }

    @Test
    void underAHandshakeFloodEstablishedTrafficFlowsAndNewClientsGetInWithCookies() throws Exception {
        SecureCounters counters = switchService.secureCounters();
        long cookiesSent = counters.handshakes(HandshakeResult.COOKIE_SENT);
        JoinToken lab = SecureClient.token("lab");
        byte[] mac1Key = MessageMacs.mac1Key(lab.switchPublicKey());
        try (SecureClient a = join("lab"); SecureClient b = join("lab"); SecureClient flooder = join("lab")) {
            for (int i = 0; i < 300; i++) { // junk that knows the switch key, so it passes mac1
                byte[] junk = flooder.lastInitiation.clone();
                junk[20 + i % 100] ^= 1;
                MessageMacs.write(junk, mac1Key, null);
                flooder.sendRaw(junk);
            }
            byte[] frame = a.frameTo(b.mac, 500);
            a.sendFrame(frame);
            assertArrayEquals(frame, b.receiveFrame(), "established sessions keep flowing");
            try (SecureClient newcomer = join("lab")) {
                newcomer.sendFrame(newcomer.frameTo(a.mac, 60));
                assertEquals(60, a.receiveFrame().length);
            }
        }
        assertTrue(counters.handshakes(HandshakeResult.COOKIE_SENT) > cookiesSent, "the flood was answered with cookies");
    }

    @Test
    void readinessReportsTheBoundSecurePort() {
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'udp-switch' }.data.udpPort", equalTo(switchService.udpPort()));
    }

    private SecureClient join(String network) throws Exception {
        return SecureClient.joined(switchService.udpPort(), network, MACS.incrementAndGet());
    }
}
