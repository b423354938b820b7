package dev.vswitch.protocol.noise;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * Noise's CipherState (spec section 5.1): a key and a counter nonce. The JCA cipher object is made once
 * and re-initialised per message, so a session's data path reuses it.
 */
public final class CipherState {

    /** 2^64 - 1 is reserved by the spec; a counter that reaches it must rekey. */
    private static final long MAX_NONCE = -1L;

    private final AeadAlgorithm algorithm;
    private final Cipher cipher;
    private final byte[] nonce = new byte[AeadAlgorithm.NONCE_LENGTH];
    private SecretKeySpec key;
    private long n;

    public CipherState(AeadAlgorithm algorithm) {
        this.algorithm = algorithm;
        this.cipher = algorithm.newCipher();
    }

    /** The key and counter at one moment, so that a failed handshake message can be undone. */
    record Saved(SecretKeySpec key, long n) {
    }

    Saved save() {
        return new Saved(key, n);
    }

    void restore(Saved saved) {
        key = saved.key();
        n = saved.n();
    }

    public void initializeKey(byte[] k) {
        key = k == null ? null : algorithm.key(k);
        n = 0;
    }

    public boolean hasKey() {
        return key != null;
    }

    public long nonce() {
        return n;
    }

    public byte[] encryptWithAd(byte[] ad, byte[] plaintext) {
        if (key == null) {
            return plaintext.clone();
        }
        byte[] out = new byte[plaintext.length + AeadAlgorithm.TAG_LENGTH];
        seal(nextNonce(), ad, ByteBuffer.wrap(plaintext), ByteBuffer.wrap(out));
        return out;
    }

    public byte[] decryptWithAd(byte[] ad, byte[] ciphertext) {
        if (key == null) {
            return ciphertext.clone();
        }
        if (ciphertext.length < AeadAlgorithm.TAG_LENGTH) {
            throw new NoiseException("ciphertext shorter than its tag");
        }
        if (n == MAX_NONCE) {
            throw new NoiseException("nonce space exhausted: rekey");
        }
        byte[] out = new byte[ciphertext.length - AeadAlgorithm.TAG_LENGTH];
        open(n, ad, ByteBuffer.wrap(ciphertext), ByteBuffer.wrap(out));
        n++; // only after authentication succeeded (spec 5.1)
        return out;
    }

    /**
     * Encrypts {@code in}'s remaining bytes into {@code out} under the explicit counter {@code counter},
     * for transport messages that carry their counter. Returns the bytes written.
     */
    public int seal(long counter, byte[] ad, ByteBuffer in, ByteBuffer out) {
        try {
            init(Cipher.ENCRYPT_MODE, counter, ad);
            return cipher.doFinal(in, out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AEAD seal failed", e);
        }
    }

    /** Decrypts and authenticates under the explicit {@code counter}; throws {@link NoiseException} if forged. */
    public int open(long counter, byte[] ad, ByteBuffer in, ByteBuffer out) {
        try {
            init(Cipher.DECRYPT_MODE, counter, ad);
            return cipher.doFinal(in, out);
        } catch (AEADBadTagException e) {
            throw new NoiseException("authentication failed");
        } catch (GeneralSecurityException e) {
            throw new NoiseException("decryption failed: " + e.getMessage());
        }
    }

    private long nextNonce() {
        if (n == MAX_NONCE) {
            throw new NoiseException("nonce space exhausted: rekey");
        }
        return n++;
    }

    private void init(int mode, long counter, byte[] ad) throws GeneralSecurityException {
        algorithm.layNonce(counter, nonce);
        cipher.init(mode, key, algorithm.parameters(nonce));
        if (ad != null && ad.length > 0) {
            cipher.updateAAD(ad);
        }
    }
}
