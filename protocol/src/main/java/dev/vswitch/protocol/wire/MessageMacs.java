package dev.vswitch.protocol.wire;

import dev.vswitch.protocol.noise.Sha256;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * mac1 and mac2 of handshake messages (WireGuard's scheme with HMAC-SHA256 truncated to 16 bytes).
 * mac1 is keyed by the receiver's static public key: only those who know it can make the receiver
 * spend a Diffie-Hellman on a message. mac2 is keyed by a cookie the receiver handed out under load,
 * proving the sender owns its source address.
 */
public final class MessageMacs {

    private static final byte[] MAC1_LABEL = "mac1----".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COOKIE_LABEL = "cookie--".getBytes(StandardCharsets.US_ASCII);

    private MessageMacs() {
    }

    public static byte[] mac1Key(byte[] receiverStaticPublic) {
        return Sha256.hash(MAC1_LABEL, receiverStaticPublic);
    }

    public static byte[] cookieKey(byte[] receiverStaticPublic) {
        return Sha256.hash(COOKIE_LABEL, receiverStaticPublic);
    }

    /** Fills the last 32 bytes of {@code message}: mac1, then mac2 (zeros without a cookie). */
    public static void write(byte[] message, byte[] mac1Key, byte[] cookie) {
        int mac1At = message.length - 2 * WireFormat.MAC_LENGTH;
        int mac2At = message.length - WireFormat.MAC_LENGTH;
        System.arraycopy(mac(mac1Key, message, mac1At), 0, message, mac1At, WireFormat.MAC_LENGTH);
        byte[] mac2 = cookie == null ? new byte[WireFormat.MAC_LENGTH] : mac(cookie, message, mac2At);
        System.arraycopy(mac2, 0, message, mac2At, WireFormat.MAC_LENGTH);
    }

    public static boolean mac1Valid(byte[] message, byte[] mac1Key) {
        int mac1At = message.length - 2 * WireFormat.MAC_LENGTH;
        return MessageDigest.isEqual(mac(mac1Key, message, mac1At), mac1(message));
    }

    public static boolean mac2Valid(byte[] message, byte[] cookie) {
        int mac2At = message.length - WireFormat.MAC_LENGTH;
        return MessageDigest.isEqual(mac(cookie, message, mac2At),
                Arrays.copyOfRange(message, mac2At, message.length));
    }

    public static byte[] mac1(byte[] message) {
        int mac1At = message.length - 2 * WireFormat.MAC_LENGTH;
        return Arrays.copyOfRange(message, mac1At, mac1At + WireFormat.MAC_LENGTH);
    }

    static byte[] mac(byte[] key, byte[] message, int length) {
        return Arrays.copyOf(Sha256.hmac(key, Arrays.copyOf(message, length)), WireFormat.MAC_LENGTH);
    }
}
