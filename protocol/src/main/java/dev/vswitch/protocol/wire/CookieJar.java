package dev.vswitch.protocol.wire;

import dev.vswitch.protocol.noise.NoiseException;
import dev.vswitch.protocol.noise.Sha256;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The responder's cookies (WireGuard section 5.4.7): under load it answers a handshake that lacks a valid
 * mac2 with a cookie reply instead of doing Diffie-Hellman. A cookie is a MAC of the sender's address
 * under a secret that changes every two minutes, so the responder keeps no per-sender state and a
 * spoofed source never sees its cookie.
 */
public final class CookieJar {

    public static final long SECRET_LIFETIME_NANOS = 120_000_000_000L;

    private final byte[] cookieKey;
    private final SecureRandom random;
    private final byte[] secret = new byte[32];
    private long secretBornNanos;
    private boolean hasSecret;

    public CookieJar(byte[] responderStaticPublic, SecureRandom random) {
        this.cookieKey = MessageMacs.cookieKey(responderStaticPublic);
        this.random = random;
    }

    /** The cookie for a source address (its IP bytes and port) at this moment. */
    public byte[] cookieFor(byte[] sourceAddress, int sourcePort, long nowNanos) {
        if (!hasSecret || nowNanos - secretBornNanos > SECRET_LIFETIME_NANOS) {
            random.nextBytes(secret);
            secretBornNanos = nowNanos;
            hasSecret = true;
        }
        byte[] port = {(byte) (sourcePort >>> 8), (byte) sourcePort};
        return Arrays.copyOf(Sha256.hmac(secret, sourceAddress, port), WireFormat.COOKIE_LENGTH);
    }

    /** True when the handshake message carries the mac2 of this source's current cookie. */
    public boolean mac2Valid(byte[] message, byte[] sourceAddress, int sourcePort, long nowNanos) {
        return MessageMacs.mac2Valid(message, cookieFor(sourceAddress, sourcePort, nowNanos));
    }

    /** A cookie reply to {@code message} (whose sender index is {@code receiverIndex}) from this source. */
    public byte[] reply(byte[] message, int receiverIndex, byte[] sourceAddress, int sourcePort, long nowNanos) {
        byte[] nonce = new byte[WireFormat.COOKIE_NONCE_LENGTH];
        random.nextBytes(nonce);
        ByteBuffer out = ByteBuffer.allocate(WireFormat.COOKIE_REPLY_LENGTH);
        WireFormat.putHeader(out, WireFormat.TYPE_COOKIE_REPLY);
        out.putInt(receiverIndex).put(nonce);
        byte[] cookie = cookieFor(sourceAddress, sourcePort, nowNanos);
        out.put(WireFormat.AEAD.encrypt(cookieKey, nonce, MessageMacs.mac1(message), cookie));
        return out.array();
    }

    /**
     * The initiator's side: the cookie inside a reply to the message whose mac1 was {@code sentMac1},
     * from the responder with this static key. Throws {@link NoiseException} if the reply is forged.
     */
    public static byte[] openReply(byte[] reply, byte[] responderStaticPublic, byte[] sentMac1) {
        if (reply.length != WireFormat.COOKIE_REPLY_LENGTH) {
            throw new NoiseException("cookie reply of wrong length");
        }
        ByteBuffer in = ByteBuffer.wrap(reply);
        in.position(WireFormat.HEADER_LENGTH + WireFormat.INDEX_LENGTH);
        byte[] nonce = new byte[WireFormat.COOKIE_NONCE_LENGTH];
        in.get(nonce);
        byte[] sealed = new byte[WireFormat.COOKIE_LENGTH + WireFormat.TAG_LENGTH];
        in.get(sealed);
        return WireFormat.AEAD.decrypt(MessageMacs.cookieKey(responderStaticPublic), nonce, sentMac1, sealed);
    }
}
