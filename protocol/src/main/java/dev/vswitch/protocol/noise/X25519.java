package dev.vswitch.protocol.noise;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import javax.crypto.KeyAgreement;

/**
 * Noise's DH function "25519" (RFC 7748 X25519) on raw 32-byte keys, computed by the JDK's own XDH
 * provider. Noise wants raw little-endian byte strings, the JDK wants key objects: this class converts.
 */
public final class X25519 {

    public static final int KEY_LENGTH = 32;
    private static final byte[] BASE_POINT = basePoint();

    private X25519() {
    }

    /** A fresh private key. */
    public static byte[] generatePrivateKey(SecureRandom random) {
        byte[] key = new byte[KEY_LENGTH];
        random.nextBytes(key);
        return key;
    }

    /** The public key of {@code privateKey}: X25519(k, 9). */
    public static byte[] publicKey(byte[] privateKey) {
        return dh(privateKey, BASE_POINT);
    }

    /**
     * The shared secret of a private and a public key. Fails (as RFC 7748 allows) when the peer's key is
     * of small order, so a forged public key cannot force a known all-zero secret.
     */
    public static byte[] dh(byte[] privateKey, byte[] publicKey) {
        try {
            KeyFactory factory = KeyFactory.getInstance("XDH");
            PrivateKey priv = factory.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, privateKey.clone()));
            PublicKey pub = factory.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, littleEndian(publicKey)));
            KeyAgreement agreement = KeyAgreement.getInstance("XDH");
            agreement.init(priv);
            agreement.doPhase(pub, true);
            return agreement.generateSecret();
        } catch (GeneralSecurityException e) {
            throw new NoiseException("X25519 failed: " + e.getMessage());
        }
    }

    private static BigInteger littleEndian(byte[] key) {
        if (key.length != KEY_LENGTH) {
            throw new NoiseException("an X25519 public key has 32 bytes, not " + key.length);
        }
        byte[] bigEndian = new byte[KEY_LENGTH];
        for (int i = 0; i < KEY_LENGTH; i++) {
            bigEndian[i] = key[KEY_LENGTH - 1 - i];
        }
        bigEndian[0] &= 0x7F; // RFC 7748: the top bit of u is ignored
        return new BigInteger(1, bigEndian);
    }

    private static byte[] basePoint() {
        byte[] nine = new byte[KEY_LENGTH];
        nine[0] = 9;
        return nine;
    }
}
