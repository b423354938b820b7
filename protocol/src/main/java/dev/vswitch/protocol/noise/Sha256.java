package dev.vswitch.protocol.noise;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Noise's hash function "SHA256" with its HMAC and HKDF (Noise spec sections 4.3 and 5.2). */
public final class Sha256 {

    public static final int HASH_LENGTH = 32;

    private Sha256() {
    }

    public static byte[] hash(byte[]... parts) {
        MessageDigest digest = digest();
        for (byte[] part : parts) {
            digest.update(part);
        }
        return digest.digest();
    }

    public static byte[] hmac(byte[] key, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            for (byte[] part : parts) {
                mac.update(part);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks HmacSHA256", e);
        }
    }

    /** Noise's HKDF: two or three outputs of HASHLEN bytes derived from a chaining key and input key material. */
    public static byte[][] hkdf(byte[] chainingKey, byte[] inputKeyMaterial, int outputs) {
        byte[] tempKey = hmac(chainingKey, inputKeyMaterial);
        byte[] output1 = hmac(tempKey, new byte[] {1});
        byte[] output2 = hmac(tempKey, output1, new byte[] {2});
        if (outputs == 2) {
            return new byte[][] {output1, output2};
        }
        byte[] output3 = hmac(tempKey, output2, new byte[] {3});
        return new byte[][] {output1, output2, output3};
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }
}
