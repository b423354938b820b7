package dev.vswitch.protocol.keys;

import dev.vswitch.protocol.noise.X25519;

import java.security.SecureRandom;
import java.util.Base64;

/** 32-byte keys as people handle them: standard base64, 44 characters, as WireGuard prints them. */
public final class Keys {

    public static final int LENGTH = X25519.KEY_LENGTH;

    private Keys() {
    }

    public static String encode(byte[] key) {
        return Base64.getEncoder().encodeToString(key);
    }

    /** Decodes a key; {@code what} names it in the one-line error, e.g. "network key". */
    public static byte[] decode(String text, String what) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not base64");
        }
        if (key.length != LENGTH) {
            throw new IllegalArgumentException(what + " must be 32 bytes (44 base64 characters), not " + key.length);
        }
        return key;
    }

    /** A new X25519 private key or symmetric key: 32 random bytes. */
    public static byte[] generate(SecureRandom random) {
        return X25519.generatePrivateKey(random);
    }
}
