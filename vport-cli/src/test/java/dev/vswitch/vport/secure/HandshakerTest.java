package dev.vswitch.vport.secure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vswitch.protocol.keys.JoinToken;
import dev.vswitch.protocol.noise.NoiseException;
import dev.vswitch.protocol.noise.X25519;
import dev.vswitch.protocol.wire.CookieJar;
import dev.vswitch.protocol.wire.HandshakeResponder;
import dev.vswitch.protocol.wire.MessageMacs;
import dev.vswitch.protocol.wire.Session;
import dev.vswitch.protocol.wire.Timestamp;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class HandshakerTest {

    private static final long SECOND = 1_000_000_000L;

    private final SecureRandom random = new SecureRandom();
    private final byte[] switchPrivate = X25519.generatePrivateKey(random);
    private final byte[] switchPublic = X25519.publicKey(switchPrivate);
    private final byte[] networkKey = X25519.generatePrivateKey(random);
    private final HandshakeResponder responder = new HandshakeResponder(switchPrivate);
    private final JoinToken token = new JoinToken("127.0.0.1:9999", switchPublic, "lab", networkKey, null);
    private final byte[] clientPrivate = X25519.generatePrivateKey(random);
    /** A clock that stands still: two initiations in the same tick. */
    private final Handshaker handshaker = new Handshaker(token, clientPrivate, random,
            Clock.fixed(Instant.parse("2026-11-29T12:00:00Z"), ZoneOffset.UTC));

    @Test
    void timestampsIncreaseEvenWhenTheClockDoesNot() {
        byte[] first = responder.readInitiation(handshaker.initiation(0)).timestamp();
        byte[] second = responder.readInitiation(handshaker.initiation(1)).timestamp();
        assertTrue(Timestamp.isNewer(second, first), "the switch would refuse the second as a replay otherwise");
    }

    @Test
    void aResponseCompletesTheCurrentHandshakeOnlyOnce() {
        byte[] initiation = handshaker.initiation(0);
        assertTrue(handshaker.awaitingResponse());
        byte[] response = respond(initiation, networkKey);
        Session session = handshaker.onResponse(response, 5 * SECOND);
        assertNotNull(session);
        assertEquals(5 * SECOND, session.createdNanos());
        assertFalse(handshaker.awaitingResponse());
        assertNull(handshaker.onResponse(response, 6 * SECOND), "a duplicate is ignored");
    }

    @Test
    void aLateResponseToAnEarlierInitiationIsIgnored() {
        byte[] old = handshaker.initiation(0);
        handshaker.initiation(5 * SECOND);
        assertNull(handshaker.onResponse(respond(old, networkKey), 6 * SECOND));
        assertTrue(handshaker.awaitingResponse());
    }

    @Test
    void aResponseUnderAnotherNetworkKeyFailsAndTheHandshakeGoesOnWaitingUntilTheNextAttempt() {
        byte[] response = respond(handshaker.initiation(0), X25519.generatePrivateKey(random));
        assertThrows(NoiseException.class, () -> handshaker.onResponse(response, SECOND));
        assertTrue(handshaker.answerFailed(), "the retry timer tells a wrong network key from silence by this");
        assertThrows(NoiseException.class, () -> handshaker.onResponse(response, SECOND), "every one fails");
        assertTrue(handshaker.awaitingResponse(), "still waiting: the retry timer starts a new attempt");
        assertEquals(0, handshaker.lastInitiationNanos());
        handshaker.initiation(5 * SECOND);
        assertFalse(handshaker.answerFailed(), "a new attempt has had no answer yet");
    }

    /**
     * Finding 5 of issue 18: one forged response with a valid mac1 (anyone who knows the vport's public key can make one,
     * and who saw the initiation knows its index) made the vport drop the genuine response and wait 5 s for a retry.
     */
    @Test
    void forgedResponsesWithAValidMac1DoNotSpoilTheHandshakeForTheGenuineOne() {
        byte[] initiation = handshaker.initiation(0);
        HandshakeResponder.Response switchSide = responder.respond(responder.readInitiation(initiation), networkKey, 77, 0);
        byte[] genuine = switchSide.message();
        byte[] garbage = genuine.clone();
        byte[] inside = new byte[garbage.length - 12 - 32];
        random.nextBytes(inside);
        System.arraycopy(inside, 0, garbage, 12, inside.length);
        MessageMacs.write(garbage, MessageMacs.mac1Key(X25519.publicKey(clientPrivate)), null);
        byte[] wellFormed = respond(initiation, X25519.generatePrivateKey(random)); // a real responder, not our key

        assertThrows(NoiseException.class, () -> handshaker.onResponse(garbage, SECOND));
        assertThrows(NoiseException.class, () -> handshaker.onResponse(wellFormed, SECOND));
        Session session = handshaker.onResponse(genuine, 2 * SECOND);
        assertNotNull(session, "the genuine response still completes the handshake");
        assertFalse(handshaker.awaitingResponse());
        ByteBuffer message = ByteBuffer.allocate(200);
        session.seal(ByteBuffer.wrap(new byte[] {1, 2, 3}), message);
        assertEquals(Session.Verdict.OK, switchSide.session().open(message.flip(), ByteBuffer.allocate(200)),
                "the vport's keys are the switch's: the forgeries left no trace in them");
    }

    @Test
    void aCookieReplyGivesAnInitiationWithMac2AndForgeriesAreIgnored() {
        CookieJar jar = new CookieJar(switchPublic, random);
        byte[] source = {127, 0, 0, 1};
        byte[] first = handshaker.initiation(0);
        int index = ByteBuffer.wrap(first).getInt(4);
        byte[] reply = jar.reply(first, index, source, 40000, 0);

        byte[] forged = reply.clone();
        forged[30] ^= 1;
        assertNull(handshaker.onCookieReply(forged, SECOND));
        byte[] otherIndex = jar.reply(first, index + 1, source, 40000, 0);
        assertNull(handshaker.onCookieReply(otherIndex, SECOND));

        byte[] again = handshaker.onCookieReply(reply, SECOND);
        assertNotNull(again);
        assertTrue(jar.mac2Valid(again, source, 40000, 0));
        assertTrue(jar.mac2Valid(handshaker.initiation(2 * SECOND), source, 40000, 0), "the cookie is kept for retries");
        assertFalse(jar.mac2Valid(handshaker.initiation(SECOND + Handshaker.COOKIE_USABLE_NANOS), source, 40000, 0),
                "but not beyond its lifetime");
    }

    private byte[] respond(byte[] initiation, byte[] key) {
        return responder.respond(responder.readInitiation(initiation), key, 77, 0).message();
    }
}
