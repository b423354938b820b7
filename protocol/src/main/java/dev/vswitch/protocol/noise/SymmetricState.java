package dev.vswitch.protocol.noise;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Noise's SymmetricState (spec section 5.2): the chaining key, the handshake hash and a CipherState. */
final class SymmetricState {

    private final AeadAlgorithm algorithm;
    private final CipherState cipher;
    private byte[] chainingKey;
    private byte[] hash;

    SymmetricState(String protocolName, AeadAlgorithm algorithm) {
        this.algorithm = algorithm;
        this.cipher = new CipherState(algorithm);
        byte[] name = protocolName.getBytes(StandardCharsets.US_ASCII);
        hash = name.length <= Sha256.HASH_LENGTH ? Arrays.copyOf(name, Sha256.HASH_LENGTH) : Sha256.hash(name);
        chainingKey = hash.clone();
    }

    /** Everything a message may change; arrays are replaced, never written into, so keeping references suffices. */
    record Saved(byte[] chainingKey, byte[] hash, CipherState.Saved cipher) {
    }

    Saved save() {
        return new Saved(chainingKey, hash, cipher.save());
    }

    void restore(Saved saved) {
        chainingKey = saved.chainingKey();
        hash = saved.hash();
        cipher.restore(saved.cipher());
    }

    void mixKey(byte[] inputKeyMaterial) {
        byte[][] out = Sha256.hkdf(chainingKey, inputKeyMaterial, 2);
        chainingKey = out[0];
        cipher.initializeKey(out[1]);
    }

    void mixHash(byte[] data) {
        hash = Sha256.hash(hash, data);
    }

    void mixKeyAndHash(byte[] inputKeyMaterial) {
        byte[][] out = Sha256.hkdf(chainingKey, inputKeyMaterial, 3);
        chainingKey = out[0];
        mixHash(out[1]);
        cipher.initializeKey(out[2]);
    }

    boolean hasKey() {
        return cipher.hasKey();
    }

    byte[] encryptAndHash(byte[] plaintext) {
        byte[] ciphertext = cipher.encryptWithAd(hash, plaintext);
        mixHash(ciphertext);
        return ciphertext;
    }

    byte[] decryptAndHash(byte[] ciphertext) {
        byte[] plaintext = cipher.decryptWithAd(hash, ciphertext);
        mixHash(ciphertext);
        return plaintext;
    }

    byte[] handshakeHash() {
        return hash.clone();
    }

    /** The two transport CipherStates: initiator-to-responder first. */
    CipherState[] split() {
        byte[][] keys = Sha256.hkdf(chainingKey, new byte[0], 2);
        CipherState first = new CipherState(algorithm);
        first.initializeKey(keys[0]);
        CipherState second = new CipherState(algorithm);
        second.initializeKey(keys[1]);
        return new CipherState[] {first, second};
    }
}
