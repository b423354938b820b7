package dev.vswitch.vport.secure;

import dev.vswitch.protocol.keys.JoinToken;
import dev.vswitch.protocol.keys.Keys;
import dev.vswitch.protocol.noise.X25519;
import dev.vswitch.protocol.noise.NoiseException;
import dev.vswitch.protocol.wire.CookieJar;
import dev.vswitch.protocol.wire.HandshakeInitiator;
import dev.vswitch.protocol.wire.HandshakeRefusal;
import dev.vswitch.protocol.wire.Session;
import dev.vswitch.protocol.wire.WireFormat;
import dev.vswitch.vport.direct.PeerKeys;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;

/**
 * The vport's handshakes with one switch, safe to use from several threads: the monitor thread starts and
 * retries handshakes, the receiving thread hands in the switch's answers. {@link HandshakeInitiator} is not
 * thread-safe, so every method here holds this object's lock.
 *
 * <p>Each initiation starts afresh (new ephemeral key, new random index). Under load the switch answers
 * with a cookie reply instead of a response; the cookie goes into mac2 of the initiations that follow,
 * for as long as the switch honours it.
 *
 * <p>A response that does not authenticate leaves the handshake as it was (the Noise state undoes a failed read), so
 * one forged by someone who saw our initiation cannot make us drop the genuine response that follows it.
 */
public final class Handshaker {

    /** The switch changes its cookie secret every 120 s; a cookie older than that minus slack is not sent. */
    static final long COOKIE_USABLE_NANOS = CookieJar.SECRET_LIFETIME_NANOS - 5_000_000_000L;

    private final HandshakeInitiator initiator;
    /** The same keys, for handshakes with other vports (direct paths). */
    private final PeerKeys peerKeys;
    private final byte[] switchPublicKey;
    private final String publicKey;
    private final SecureRandom random;
    private final Clock wallClock;
    private byte[] cookie;
    private long cookieNanos;
    private boolean awaitingResponse;
    /** An answer to the current initiation came but did not authenticate; the handshake still waits for one that does. */
    private boolean answerFailed;
    private long lastInitiationNanos;
    private Instant lastTimestamp = Instant.EPOCH;

    /**
     * @param wallClock the time put into initiations; the switch accepts only timestamps newer than the last
     *                  it accepted from this key, so it must be the real time
     */
    public Handshaker(JoinToken token, byte[] clientPrivateKey, SecureRandom random, Clock wallClock) {
        this.initiator = new HandshakeInitiator(clientPrivateKey, token.switchPublicKey(), token.networkKey(), token.network(), random);
        this.peerKeys = new PeerKeys(clientPrivateKey.clone(), token.networkKey(), token.network(), random, wallClock);
        this.switchPublicKey = token.switchPublicKey();
        this.publicKey = Keys.encode(X25519.publicKey(clientPrivateKey));
        this.random = random;
        this.wallClock = wallClock;
    }

    /** This vport's public key, as an operator lists it in allowed-clients. */
    public String publicKey() {
        return publicKey;
    }

    /** This vport's keys and network, for its handshakes with other vports. */
    public PeerKeys peerKeys() {
        return peerKeys;
    }

    /** A new initiation (with mac2 if a usable cookie is at hand); from now on a response is awaited. */
    public synchronized byte[] initiation(long nowNanos) {
        byte[] usableCookie = cookie != null && nowNanos - cookieNanos < COOKIE_USABLE_NANOS ? cookie : null;
        awaitingResponse = true;
        answerFailed = false;
        lastInitiationNanos = nowNanos;
        return initiator.initiation(newIndex(), nextTimestamp(), usableCookie);
    }

    /** True when {@code refusal} (a {@link HandshakeRefusal} message) answers the initiation in progress. */
    public synchronized boolean answersCurrent(byte[] refusal) {
        return awaitingResponse && HandshakeRefusal.receiverIndexOf(refusal) == initiator.localIndex();
    }

    /** True between an initiation and the response that completes it. */
    public synchronized boolean awaitingResponse() {
        return awaitingResponse;
    }

    /**
     * True when an answer to the current initiation came but did not authenticate: if no genuine one follows, the
     * switch holds another network key than our token (or is not the switch the token names).
     */
    public synchronized boolean answerFailed() {
        return answerFailed;
    }

    /** When the last initiation was made, on the monotonic clock given to {@link #initiation}. */
    public synchronized long lastInitiationNanos() {
        return lastInitiationNanos;
    }

    /**
     * Takes the cookie from a cookie reply to our current initiation and returns the initiation to send
     * again, now with mac2. Returns null for a reply to another initiation or one that does not open (forged).
     */
    public synchronized byte[] onCookieReply(byte[] reply, long nowNanos) {
        if (!awaitingResponse || ByteBuffer.wrap(reply).getInt(WireFormat.HEADER_LENGTH) != initiator.localIndex()) {
            return null;
        }
        try {
            cookie = CookieJar.openReply(reply, switchPublicKey, initiator.lastMac1());
        } catch (NoiseException e) {
            return null;
        }
        cookieNanos = nowNanos;
        return initiation(nowNanos);
    }

    /**
     * Completes the current handshake with the switch's response. Returns null when the response is not for
     * the handshake in progress (a late answer to an earlier initiation, or a duplicate).
     *
     * @throws NoiseException when it is for our handshake but does not authenticate: forged, or the switch holds
     *                        another network key than our token; the handshake goes on waiting ({@link #answerFailed})
     */
    public synchronized Session onResponse(byte[] response, long nowNanos) {
        int receiverIndex = ByteBuffer.wrap(response).getInt(WireFormat.HEADER_LENGTH + WireFormat.INDEX_LENGTH);
        if (!awaitingResponse || receiverIndex != initiator.localIndex()) {
            return null;
        }
        Session session;
        try {
            session = initiator.consumeResponse(response, nowNanos);
        } catch (NoiseException e) {
            answerFailed = true;
            throw e;
        }
        awaitingResponse = false;
        return session;
    }

    /** The index of a new handshake: random, never 0 so that a zeroed message never matches. */
    private int newIndex() {
        int index;
        do {
            index = random.nextInt();
        } while (index == 0);
        return index;
    }

    /** The wall clock, but strictly increasing, so that two initiations in one clock tick are both accepted. */
    private Instant nextTimestamp() {
        Instant now = wallClock.instant();
        lastTimestamp = now.isAfter(lastTimestamp) ? now : lastTimestamp.plusNanos(1);
        return lastTimestamp;
    }
}
