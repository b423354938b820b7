package dev.vswitch.protocol.wire;

import dev.vswitch.protocol.noise.NoiseException;
import dev.vswitch.protocol.noise.X25519;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HandshakeTest {

    private final SecureRandom random = new SecureRandom();
    private final byte[] switchPrivate = X25519.generatePrivateKey(random);
    private final byte[] switchPublic = X25519.publicKey(switchPrivate);
    private final byte[] clientPrivate = X25519.generatePrivateKey(random);
    private final byte[] networkKey = X25519.generatePrivateKey(random);
    private final HandshakeResponder responder = new HandshakeResponder(switchPrivate);

    @Test
    void handshakeThenFramesBothWaysAndKeepalives() {
        Session[] sessions = handshake(networkKey);
        Session client = sessions[0];
        Session server = sessions[1];
        assertFalse(server.isConfirmed(), "the responder waits for proof that the initiator has the keys");
        byte[] frame = new byte[1400];
        random.nextBytes(frame);
        assertArrayEquals(frame, transfer(client, server, frame));
        assertTrue(server.isConfirmed());
        assertArrayEquals(frame, transfer(server, client, frame));
        assertArrayEquals(new byte[0], transfer(client, server, new byte[0]), "an empty frame is a keepalive");
        assertArrayEquals(X25519.publicKey(clientPrivate), server.remoteStatic());
    }

    @Test
    void initiationRevealsKeyNetworkAndTimestampBeforeThePskIsNeeded() {
        HandshakeInitiator initiator = initiator(networkKey);
        Instant now = Instant.parse("2026-11-29T12:00:00.123456789Z");
        byte[] message = initiator.initiation(42, now, null);
        assertEquals(WireFormat.INITIATION_LENGTH, message.length);
        assertEquals(WireFormat.TYPE_INITIATION, WireFormat.typeOf(ByteBuffer.wrap(message), 0, message.length));
        assertTrue(responder.mac1Valid(message));
        HandshakeResponder.Initiation initiation = responder.readInitiation(message);
        assertEquals(42, initiation.senderIndex());
        assertEquals("lab", initiation.network());
        assertArrayEquals(X25519.publicKey(clientPrivate), initiation.initiatorStatic());
        assertArrayEquals(Timestamp.encode(now), initiation.timestamp());
        assertTrue(Timestamp.isNewer(Timestamp.encode(now.plusNanos(1)), initiation.timestamp()));
        assertFalse(Timestamp.isNewer(Timestamp.encode(now), initiation.timestamp()));
    }

    @Test
    void aWrongNetworkKeyFailsTheHandshake() {
        HandshakeInitiator initiator = initiator(networkKey);
        byte[] message = initiator.initiation(1, Instant.now(), null);
        byte[] otherKey = X25519.generatePrivateKey(random);
        HandshakeResponder.Response response = responder.respond(responder.readInitiation(message), otherKey, 2, 0);
        assertThrows(NoiseException.class, () -> initiator.consumeResponse(response.message(), 0));
    }

    @Test
    void aForgedResponseDoesNotSpoilTheHandshakeForTheGenuineOne() {
        HandshakeInitiator initiator = initiator(networkKey);
        byte[] message = initiator.initiation(3, Instant.now(), null);
        HandshakeResponder.Response response = responder.respond(responder.readInitiation(message), networkKey, 4, 0);
        byte[] forged = response.message().clone();
        forged[13] ^= 0x40; // the ephemeral key; mac1 recomputed as someone who knows our public key could
        MessageMacs.write(forged, MessageMacs.mac1Key(X25519.publicKey(clientPrivate)), null);
        assertThrows(NoiseException.class, () -> initiator.consumeResponse(forged, 0));
        Session session = initiator.consumeResponse(response.message(), 0);
        assertArrayEquals(new byte[] {1, 2, 3}, transfer(session, response.session(), new byte[] {1, 2, 3}));
    }

    @Test
    void aClientThatDoesNotKnowTheSwitchKeyFailsMac1AndDecryption() {
        byte[] wrongSwitch = X25519.publicKey(X25519.generatePrivateKey(random));
        HandshakeInitiator initiator = new HandshakeInitiator(clientPrivate, wrongSwitch, networkKey, "lab", random);
        byte[] message = initiator.initiation(1, Instant.now(), null);
        assertFalse(responder.mac1Valid(message));
        assertThrows(NoiseException.class, () -> responder.readInitiation(message));
    }

    @Test
    void everyFlippedBitOfAnInitiationIsDetected() {
        byte[] message = initiator(networkKey).initiation(1, Instant.now(), null);
        int macsStart = message.length - 2 * WireFormat.MAC_LENGTH;
        for (int bit = 8 * 8; bit < macsStart * 8; bit += 7) { // past header and index
            byte[] tampered = message.clone();
            tampered[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThrows(NoiseException.class, () -> responder.readInitiation(tampered), "bit " + bit);
        }
        assertThrows(NoiseException.class, () -> responder.readInitiation(Arrays.copyOf(message, 100)));
    }

    @Test
    void replayedTamperedAndTruncatedDataIsRefused() {
        Session[] sessions = handshake(networkKey);
        ByteBuffer sealed = ByteBuffer.allocate(200);
        sessions[0].seal(ByteBuffer.wrap(new byte[100]), sealed);
        sealed.flip();
        byte[] message = Arrays.copyOf(sealed.array(), sealed.limit());
        assertEquals(Session.Verdict.OK, open(sessions[1], message));
        assertEquals(Session.Verdict.REPLAYED, open(sessions[1], message));
        byte[] tampered = message.clone();
        tampered[tampered.length - 1] ^= 1;
        ByteBuffer next = ByteBuffer.allocate(200);
        sessions[0].seal(ByteBuffer.wrap(new byte[100]), next);
        byte[] fresh = Arrays.copyOf(next.array(), next.position());
        byte[] forged = fresh.clone();
        forged[20] ^= 1;
        assertEquals(Session.Verdict.FORGED, open(sessions[1], forged));
        assertEquals(Session.Verdict.FORGED, open(sessions[1], Arrays.copyOf(fresh, fresh.length - 1)));
        assertEquals(Session.Verdict.OK, open(sessions[1], fresh), "a forgery does not burn the counter");
    }

    @Test
    void theTypeOfADataMessageIsAuthenticatedSoOffloadAndPlainDataCannotBeSwapped() {
        Session[] sessions = handshake(networkKey);
        byte[] offload = sealed(sessions[0], WireFormat.TYPE_DATA_OFFLOAD);
        byte[] plain = sealed(sessions[0], WireFormat.TYPE_DATA);
        byte[] offloadAsPlain = offload.clone();
        offloadAsPlain[0] = WireFormat.TYPE_DATA;
        byte[] plainAsOffload = plain.clone();
        plainAsOffload[0] = WireFormat.TYPE_DATA_OFFLOAD;
        assertEquals(Session.Verdict.FORGED, open(sessions[1], offloadAsPlain));
        assertEquals(Session.Verdict.FORGED, open(sessions[1], plainAsOffload));
        assertEquals(Session.Verdict.OK, open(sessions[1], offload));
        assertEquals(Session.Verdict.OK, open(sessions[1], plain));
        assertEquals(WireFormat.TYPE_DATA_OFFLOAD, WireFormat.typeOf(ByteBuffer.wrap(offload), 0, offload.length));
    }

    @Test
    void cookieReplyRoundTripMakesAValidMac2() {
        CookieJar jar = new CookieJar(switchPublic, random);
        byte[] source = {127, 0, 0, 1};
        HandshakeInitiator initiator = initiator(networkKey);
        byte[] first = initiator.initiation(7, Instant.now(), null);
        assertFalse(jar.mac2Valid(first, source, 5000, 0));
        byte[] reply = jar.reply(first, 7, source, 5000, 0);
        assertEquals(WireFormat.TYPE_COOKIE_REPLY, WireFormat.typeOf(ByteBuffer.wrap(reply), 0, reply.length));
        byte[] cookie = CookieJar.openReply(reply, switchPublic, initiator.lastMac1());
        byte[] second = initiator.initiation(7, Instant.now(), cookie);
        assertTrue(jar.mac2Valid(second, source, 5000, 0));
        assertFalse(jar.mac2Valid(second, source, 5001, 0), "the cookie is bound to the source port");
        assertFalse(jar.mac2Valid(second, source, 5000, CookieJar.SECRET_LIFETIME_NANOS + 1), "cookies expire");
        byte[] forgedReply = reply.clone();
        forgedReply[20] ^= 1;
        assertThrows(NoiseException.class, () -> CookieJar.openReply(forgedReply, switchPublic, initiator.lastMac1()));
    }

    @Test
    void typeOfRefusesWrongVersionsAndLengths() {
        byte[] initiation = initiator(networkKey).initiation(1, Instant.now(), null);
        assertEquals(0, WireFormat.typeOf(ByteBuffer.wrap(initiation), 0, initiation.length - 1));
        initiation[1] = 2;
        assertEquals(0, WireFormat.typeOf(ByteBuffer.wrap(initiation), 0, initiation.length));
        assertEquals(0, WireFormat.typeOf(ByteBuffer.wrap(new byte[3]), 0, 3));
        byte[] data = {WireFormat.TYPE_DATA, 1, 0, 0, 0, 0, 0, 0};
        assertEquals(0, WireFormat.typeOf(ByteBuffer.wrap(data), 0, data.length), "shorter than data overhead");
    }

    @Test
    void sessionsAskForRekeyAndExpireOnTime() {
        Session[] sessions = handshake(networkKey);
        long second = 1_000_000_000L;
        assertFalse(sessions[0].needsRekey(100 * second));
        assertTrue(sessions[0].needsRekey(121 * second));
        assertFalse(sessions[1].needsRekey(121 * second), "only the initiator rekeys");
        assertFalse(sessions[1].isExpired(180 * second));
        assertTrue(sessions[1].isExpired(181 * second));
    }

    private Session[] handshake(byte[] key) {
        HandshakeInitiator initiator = initiator(key);
        byte[] message = initiator.initiation(11, Instant.now(), null);
        HandshakeResponder.Response response = responder.respond(responder.readInitiation(message), key, 22, 0);
        Session client = initiator.consumeResponse(response.message(), 0);
        assertEquals(22, client.remoteIndex());
        assertEquals(11, response.session().remoteIndex());
        return new Session[] {client, response.session()};
    }

    private HandshakeInitiator initiator(byte[] key) {
        return new HandshakeInitiator(clientPrivate, switchPublic, key, "lab", random);
    }

    private static byte[] transfer(Session from, Session to, byte[] frame) {
        ByteBuffer sealed = ByteBuffer.allocate(frame.length + WireFormat.DATA_OVERHEAD);
        assertEquals(frame.length + WireFormat.DATA_OVERHEAD, from.seal(ByteBuffer.wrap(frame), sealed));
        sealed.flip();
        assertEquals(to.localIndex(), Session.receiverIndexOf(sealed));
        ByteBuffer opened = ByteBuffer.allocate(frame.length);
        assertEquals(Session.Verdict.OK, to.open(sealed, opened));
        return Arrays.copyOf(opened.array(), opened.position());
    }

    private static byte[] sealed(Session session, byte type) {
        ByteBuffer out = ByteBuffer.allocate(100 + WireFormat.DATA_OVERHEAD);
        session.seal(type, ByteBuffer.wrap(new byte[100]), out);
        return out.array();
    }

    private static Session.Verdict open(Session session, byte[] message) {
        return session.open(ByteBuffer.wrap(message), ByteBuffer.allocate(message.length));
    }
}
