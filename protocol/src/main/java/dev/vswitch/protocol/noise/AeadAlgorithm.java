package dev.vswitch.protocol.noise;

import java.security.GeneralSecurityException;
import java.security.spec.AlgorithmParameterSpec;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Noise's cipher functions, both from the JDK's providers. They differ only in the JCA name and in how
 * the 64-bit counter nonce is laid out in the 96-bit nonce (Noise spec section 12).
 */
public enum AeadAlgorithm {
    /** ChaCha20-Poly1305: 32 zero bits, then the counter little-endian. */
    CHACHA_POLY("ChaChaPoly", "ChaCha20-Poly1305", "ChaCha20") {
        @Override
        void layNonce(long counter, byte[] nonce) {
            for (int i = 0; i < 8; i++) {
                nonce[4 + i] = (byte) (counter >>> (8 * i));
            }
        }

        @Override
        AlgorithmParameterSpec parameters(byte[] nonce) {
            return new IvParameterSpec(nonce);
        }
    },
    /** AES-256-GCM: 32 zero bits, then the counter big-endian. */
    AES_GCM("AESGCM", "AES/GCM/NoPadding", "AES") {
        @Override
        void layNonce(long counter, byte[] nonce) {
            for (int i = 0; i < 8; i++) {
                nonce[11 - i] = (byte) (counter >>> (8 * i));
            }
        }

        @Override
        AlgorithmParameterSpec parameters(byte[] nonce) {
            return new GCMParameterSpec(TAG_LENGTH * 8, nonce);
        }
    };

    public static final int KEY_LENGTH = 32;
    public static final int TAG_LENGTH = 16;
    static final int NONCE_LENGTH = 12;

    private final String noiseName;
    private final String transformation;
    private final String keyAlgorithm;

    AeadAlgorithm(String noiseName, String transformation, String keyAlgorithm) {
        this.noiseName = noiseName;
        this.transformation = transformation;
        this.keyAlgorithm = keyAlgorithm;
    }

    public String noiseName() {
        return noiseName;
    }

    public static AeadAlgorithm byNoiseName(String name) {
        for (AeadAlgorithm algorithm : values()) {
            if (algorithm.noiseName.equals(name)) {
                return algorithm;
            }
        }
        throw new IllegalArgumentException("unsupported Noise cipher: " + name);
    }

    /** One-shot encryption under a full 96-bit nonce, for messages that carry a random nonce. */
    public byte[] encrypt(byte[] key, byte[] nonce, byte[] ad, byte[] plaintext) {
        try {
            Cipher cipher = newCipher();
            cipher.init(Cipher.ENCRYPT_MODE, key(key), parameters(nonce));
            cipher.updateAAD(ad);
            return cipher.doFinal(plaintext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AEAD seal failed", e);
        }
    }

    /** One-shot decryption under a full 96-bit nonce; throws {@link NoiseException} if forged. */
    public byte[] decrypt(byte[] key, byte[] nonce, byte[] ad, byte[] ciphertext) {
        try {
            Cipher cipher = newCipher();
            cipher.init(Cipher.DECRYPT_MODE, key(key), parameters(nonce));
            cipher.updateAAD(ad);
            return cipher.doFinal(ciphertext);
        } catch (GeneralSecurityException e) {
            throw new NoiseException("authentication failed");
        }
    }

    abstract void layNonce(long counter, byte[] nonce);

    abstract AlgorithmParameterSpec parameters(byte[] nonce);

    Cipher newCipher() {
        try {
            return Cipher.getInstance(transformation);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks " + transformation, e);
        }
    }

    SecretKeySpec key(byte[] key) {
        return new SecretKeySpec(key, keyAlgorithm);
    }
}
