package dev.vswitch.server.secure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vswitch.protocol.noise.X25519;
import dev.vswitch.protocol.testing.TestFrames;
import dev.vswitch.protocol.wire.HandshakeInitiator;
import dev.vswitch.protocol.wire.HandshakeRefusal;
import dev.vswitch.protocol.wire.HandshakeRefusal.Reason;
import dev.vswitch.protocol.wire.WireFormat;
import dev.vswitch.switching.DropReason;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The secure port's handshakes, replay protection, roaming and cookies, driven through its handler with a recording
 * port and the test's clock: no server, no socket, no sleep. (SecurePortTest checks the same over real UDP.)
 */
class SecurePortHandlerTest {

    private static final InetSocketAddress ALICE_HOME = address(1, 40001);
    private static final InetSocketAddress ALICE_CAFE = address(2, 40002);
    private static final InetSocketAddress BOB = address(3, 40003);
    private static final InetSocketAddress MALLORY = address(4, 40004);

    private final InProcessSwitch server = new InProcessSwitch();
    private final SecureCounters counters = server.handler.counters();

    private static InetSocketAddress address(int host, int port) {
        return new InetSocketAddress("198.18.0." + host, port);
    }

    @Test
    void aJoinedVportsFramesReachTheOtherVportOfItsNetwork() {
        InProcessVport alice = new InProcessVport(server, "lab", 0x02_00_00_00_00_01L, ALICE_HOME).join();
        InProcessVport bob = new InProcessVport(server, "lab", 0x02_00_00_00_00_02L, BOB).join();

        byte[] frame = alice.frameTo(bob.mac, 300);
        alice.send(frame);

        assertEquals(List.of(), server.port.takeSentTo(ALICE_HOME), "nothing back to the sender");
        List<byte[]> received = bob.receivedFrames();
        assertEquals(1, received.size());
        assertArrayEquals(frame, received.get(0));
        assertEquals(2, counters.handshakes(HandshakeResult.ACCEPTED));
        assertEquals(2, counters.handshakes(HandshakeResult.CONFIRMED));
        assertEquals(2, server.handler.sessionCount());
    }

    @Test
    void networksAreIsolated() {
        InProcessVport alice = new InProcessVport(server, "lab", 0x02_00_00_00_01_01L, ALICE_HOME).join();
        InProcessVport bob = new InProcessVport(server, "other", 0x02_00_00_00_01_02L, BOB).join();

        alice.send(alice.frameTo(bob.mac, 100));
        alice.send(alice.frameTo(0xFF_FF_FF_FF_FF_FFL, 100));

        assertEquals(List.of(), bob.receivedFrames(), "neither unicast nor broadcast crosses networks");
    }

    @Test
    void aReplayedOrForgedDataMessageIsDroppedAndTheSessionGoesOn() {
        InProcessVport alice = new InProcessVport(server, "lab", 0x02_00_00_00_02_01L, ALICE_HOME).join();
        InProcessVport bob = new InProcessVport(server, "lab", 0x02_00_00_00_02_02L, BOB).join();
        byte[] frame = alice.frameTo(bob.mac, 200);
        alice.send(frame);
        bob.receivedFrames();

        server.receive(alice.lastData, MALLORY);
        byte[] forged = alice.lastData.clone();
        forged[15] ^= 0x10; // a counter not seen yet, so the tag is checked (a seen one is refused before that)
        server.receive(forged, MALLORY);

        assertEquals(1, counters.drops(PacketDrop.REPLAYED));
        assertEquals(1, counters.drops(PacketDrop.FORGED));
        assertEquals(List.of(), bob.receivedFrames());
        alice.send(frame);
        assertEquals(1, bob.receivedFrames().size(), "the genuine session still carries frames");
        assertEquals(0, counters.roams(), "neither moved alice's session to the attacker's address");
    }

    @Test
    void aCapturedInitiationIsRefusedAgainAfterTheSwitchForgotTheVport() {
        InProcessVport alice = new InProcessVport(server, "lab", 0x02_00_00_00_03_01L, ALICE_HOME).join();
        byte[] captured = alice.lastInitiation;

        server.advance(Duration.ofSeconds(WireFormat.REJECT_AFTER_SECONDS + 5));
        assertEquals(0, server.handler.sessionCount(), "the session expired and the vport was forgotten");

        server.receive(captured, MALLORY);
        byte[] answer = onlyDatagramTo(MALLORY);
        assertEquals(WireFormat.TYPE_HANDSHAKE_REFUSED, answer[0], "no response: the attacker gets no session");
        assertEquals(Reason.STALE_TIMESTAMP, HandshakeRefusal.reasonOf(answer));
        assertEquals(1, counters.handshakes(HandshakeResult.REPLAYED));
        assertEquals(WireFormat.TYPE_RESPONSE, alice.handshake()[0], "a new initiation of the genuine vport is taken");
    }

    @Test
    void authenticDataFromANewAddressMovesTheSessionThere() {
        InProcessVport alice = new InProcessVport(server, "lab", 0x02_00_00_00_04_01L, ALICE_HOME).join();
        InProcessVport bob = new InProcessVport(server, "lab", 0x02_00_00_00_04_02L, BOB).join();

        alice.address = ALICE_CAFE;
        alice.send(alice.frameTo(bob.mac, 100));
        bob.send(bob.frameTo(alice.mac, 100));

        assertEquals(1, counters.roams());
        assertEquals(List.of(), server.port.takeSentTo(ALICE_HOME));
        assertEquals(1, alice.receivedFrames().size(), "bob's frame went to where alice is now");
    }

    @Test
    void underLoadAnInitiationNeedsACookieAndWithItIsAnswered() {
        InProcessSwitch loaded = new InProcessSwitch(Map.of("vswitch.handshakes.load-threshold-per-second", "1"));
        new InProcessVport(loaded, "lab", 0x02_00_00_00_05_01L, ALICE_HOME).join();
        InProcessVport bob = new InProcessVport(loaded, "lab", 0x02_00_00_00_05_02L, BOB).join();

        SecureCounters loadedCounters = loaded.handler.counters();
        assertTrue(loadedCounters.handshakes(HandshakeResult.COOKIE_SENT) >= 1, "the second initiation in a second got a cookie reply");
        assertEquals(2, loadedCounters.handshakes(HandshakeResult.CONFIRMED), "both joined, bob with the cookie");

        loaded.advance(Duration.ofSeconds(30));
        long cookies = loadedCounters.handshakes(HandshakeResult.COOKIE_SENT);
        assertEquals(WireFormat.TYPE_RESPONSE, bob.handshake()[0]);
        assertEquals(cookies, loadedCounters.handshakes(HandshakeResult.COOKIE_SENT), "the load decayed: no cookie needed");
    }

    @Test
    void eachRefusalSaysWhy() {
        InProcessSwitch another = new InProcessSwitch();
        InProcessVport stranger = new InProcessVport(another, "lab", 0x02_00_00_00_06_01L, MALLORY);
        server.receive(stranger.initiation(null), MALLORY);
        assertEquals(Reason.UNKNOWN_SWITCH_KEY, HandshakeRefusal.reasonOf(onlyDatagramTo(MALLORY)));

        HandshakeInitiator wrongNetwork = new HandshakeInitiator(X25519.generatePrivateKey(InProcessSwitch.RANDOM),
                server.keys.publicKey(), server.network("lab").key(), "nowhere", InProcessSwitch.RANDOM);
        server.receive(wrongNetwork.initiation(7, Instant.now(), null), ALICE_HOME);
        assertEquals(Reason.UNKNOWN_NETWORK, HandshakeRefusal.reasonOf(onlyDatagramTo(ALICE_HOME)));

        assertEquals(1, counters.handshakes(HandshakeResult.BAD_MAC1));
        assertEquals(1, counters.handshakes(HandshakeResult.UNKNOWN_NETWORK));
        assertEquals(0, server.handler.sessionCount());
    }

    @Test
    void aSecondVportWithTheSameKeyTakesThePortAndTheFirstIsRefused() {
        InProcessVport first = new InProcessVport(server, "lab", 0x02_00_00_00_07_01L, ALICE_HOME).join();
        InProcessVport second = new InProcessVport(server, "lab", 0x02_00_00_00_07_01L, ALICE_CAFE, first.privateKey).join();
        InProcessVport bob = new InProcessVport(server, "lab", 0x02_00_00_00_07_02L, BOB).join();

        bob.send(bob.frameTo(second.mac, 100));
        assertEquals(1, second.receivedFrames().size(), "frames for the key's MAC go to the newer vport");
        first.send(first.frameTo(bob.mac, 100));
        assertEquals(List.of(), bob.receivedFrames(), "the old session no longer authenticates");

        byte[] answer = first.handshake();
        assertEquals(Reason.KEY_IN_USE, HandshakeRefusal.reasonOf(answer));
        assertEquals(1, counters.handshakes(HandshakeResult.KEY_IN_USE));
    }

    /** Finding 3 of issue 18 through the secure port: a member sending every 20 ms never takes a keeping-alive vport's MAC. */
    @Test
    void aMemberCannotTakeTheMacOfAVportThatKeepsAlive() {
        InProcessVport alice = new InProcessVport(server, "lab", 0x02_00_00_00_09_01L, ALICE_HOME).join();
        InProcessVport bob = new InProcessVport(server, "lab", 0x02_00_00_00_09_02L, BOB).join();
        InProcessVport mallory = new InProcessVport(server, "lab", 0x02_00_00_00_09_03L, MALLORY).join();
        long keepaliveEvery = Duration.ofMillis(5050).toNanos(); // the vport's 5 s, and a timer is never early
        long lastKeepalive = server.now();
        int delivered = 0;
        for (int tick = 1; tick <= 1500; tick++) { // 30 s in steps of 20 ms
            server.advance(Duration.ofMillis(20));
            mallory.send(TestFrames.frame(bob.mac, alice.mac, 0x0800, 60)); // alice's MAC as its source
            if (server.now() - lastKeepalive >= keepaliveEvery) {
                alice.send(TestFrames.keepaliveRequest(alice.mac, false));
                alice.onlyAnswer();
                lastKeepalive = server.now();
            }
            if (tick % 50 == 0) {
                bob.send(bob.frameTo(alice.mac, 100));
                delivered += alice.receivedFrames().size();
                assertEquals(List.of(), mallory.receivedFrames(), "nothing for alice reaches the thief");
            }
        }
        assertEquals(30, delivered, "every frame for alice reached alice");
        assertEquals(List.of(), bob.receivedFrames(), "none of the thief's frames got through");
        assertEquals(1500, server.handler.lan("lab").counters().drops(DropReason.MAC_MOVE_REFUSED));
    }

    @Test
    void aFullSendQueueDropsRepliesButNoState() {
        InProcessVport alice = new InProcessVport(server, "lab", 0x02_00_00_00_08_01L, ALICE_HOME).join();
        InProcessVport bob = new InProcessVport(server, "lab", 0x02_00_00_00_08_02L, BOB).join();

        server.port.sendQueueFull(true);
        alice.send(alice.frameTo(bob.mac, 100));
        server.port.sendQueueFull(false);
        byte[] frame = alice.frameTo(bob.mac, 100);
        alice.send(frame);

        assertArrayEquals(frame, bob.receivedFrames().get(0));
    }

    private byte[] onlyDatagramTo(InetSocketAddress to) {
        List<byte[]> sent = server.port.takeSentTo(to);
        assertEquals(1, sent.size(), "one answer to " + to);
        return sent.get(0);
    }
}
