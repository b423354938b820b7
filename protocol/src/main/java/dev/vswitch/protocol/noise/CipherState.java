package dev.vswitch.protocol.noise;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * Noise's CipherState (spec section 5.1): a key and a counter nonce. The JCA cipher object is made once
 * and re-initialised per message, so a session's data path reuses it.
 *
 * <p>Messages in direct buffers (the data path's: sockets, TAP, Netty's pool) are copied to arrays of the calling
 * thread's and sealed or opened there: the JDK's AES-GCM works on a direct buffer through temporary arrays of its own,
 * about 2 KB of garbage a frame and a third slower at 1,400 bytes ({@code AeadBenchmark}, {@code -p buffers}).
 */
public final class CipherState {

    /** 2^64 - 1 is reserved by the spec; a counter that reaches it must rekey. */
    private static final long MAX_NONCE = -1L;
    /** Each thread's arrays for messages in direct buffers, grown to the largest message it met. */
    private static final ThreadLocal<Staging> STAGING = ThreadLocal.withInitial(Staging::new);

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
            return in.isDirect() || out.isDirect() ? doFinalStaged(in, out) : cipher.doFinal(in, out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AEAD seal failed", e);
        }
    }

    /** Decrypts and authenticates under the explicit {@code counter}; throws {@link NoiseException} if forged. */
    public int open(long counter, byte[] ad, ByteBuffer in, ByteBuffer out) {
        try {
            init(Cipher.DECRYPT_MODE, counter, ad);
            return in.isDirect() || out.isDirect() ? doFinalStaged(in, out) : cipher.doFinal(in, out);
        } catch (AEADBadTagException e) {
            throw new NoiseException("authentication failed");
        } catch (GeneralSecurityException e) {
            throw new NoiseException("decryption failed: " + e.getMessage());
        }
    }

    /** As {@code cipher.doFinal(in, out)}, through this thread's arrays; out is left as it was if the cipher throws. */
    private int doFinalStaged(ByteBuffer in, ByteBuffer out) throws GeneralSecurityException {
        int length = in.remaining();
        int outputLength = cipher.getOutputSize(length);
        if (out.remaining() < outputLength) {
            throw new ShortBufferException("output needs " + outputLength + " bytes, " + out.remaining() + " left");
        }
        Staging staging = STAGING.get().fit(Math.max(length, outputLength));
        in.get(staging.input, 0, length);
        int written = cipher.doFinal(staging.input, 0, length, staging.output, 0);
        out.put(staging.output, 0, written);
        return written;
    }

    /** Input and output arrays apart: the JDK copies an overlapping input first. */
    private static final class Staging {

        byte[] input = new byte[0];
        byte[] output = new byte[0];

        Staging fit(int bytes) {
            if (input.length < bytes) {
                input = new byte[bytes];
                output = new byte[bytes];
            }
            return this;
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
