package dev.vswitch.protocol.noise;

import dev.vswitch.protocol.noise.HandshakePattern.Token;

import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Noise's HandshakeState (spec section 5.3) for DH 25519 and hash SHA256, either cipher. One object runs
 * one handshake; after the last message {@link #split()} gives the transport keys. A message that fails
 * (wrong length, wrong key, tampering) throws {@link NoiseException} and the handshake must be dropped.
 */
public final class HandshakeState {

    private static final int DH_LENGTH = X25519.KEY_LENGTH;

    private final HandshakePattern pattern;
    private final boolean initiator;
    private final SymmetricState symmetric;
    private final SecureRandom random;
    private List<byte[]> psks;
    private byte[] localStatic;
    private byte[] localStaticPublic;
    private byte[] localEphemeral;
    private byte[] localEphemeralPublic;
    private byte[] remoteStatic;
    private byte[] remoteEphemeral;
    private int messageIndex;
    private int pskIndex;

    private HandshakeState(Builder builder) {
        String[] parts = builder.protocolName.split("_");
        if (parts.length != 5 || !parts[0].equals("Noise") || !parts[2].equals("25519") || !parts[4].equals("SHA256")) {
            throw new IllegalArgumentException("unsupported Noise protocol: " + builder.protocolName);
        }
        this.pattern = HandshakePattern.named(parts[1]);
        this.initiator = builder.initiator;
        this.symmetric = new SymmetricState(builder.protocolName, AeadAlgorithm.byNoiseName(parts[3]));
        this.random = builder.random;
        this.psks = builder.psks;
        this.localStatic = builder.localStatic;
        this.localStaticPublic = builder.localStaticPublic != null ? builder.localStaticPublic
                : localStatic == null ? null : X25519.publicKey(localStatic);
        this.localEphemeral = builder.localEphemeral;
        this.localEphemeralPublic = localEphemeral == null ? null : X25519.publicKey(localEphemeral);
        this.remoteStatic = builder.remoteStatic;
        symmetric.mixHash(builder.prologue);
        mixPreMessage(pattern.initiatorPreMessage(), initiator);
        mixPreMessage(pattern.responderPreMessage(), !initiator);
    }

    public static Builder builder(String protocolName, boolean initiator) {
        return new Builder(protocolName, initiator);
    }

    /** Builds the next message of this side with {@code payload} inside. */
    public byte[] writeMessage(byte[] payload) {
        checkTurn(true);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Token token : pattern.messages().get(messageIndex)) {
            switch (token) {
                case E -> {
                    if (localEphemeral == null) {
                        localEphemeral = X25519.generatePrivateKey(random);
                        localEphemeralPublic = X25519.publicKey(localEphemeral);
                    }
                    out.writeBytes(localEphemeralPublic);
                    mixEphemeral(localEphemeralPublic);
                }
                case S -> out.writeBytes(symmetric.encryptAndHash(require(localStaticPublic, "local static key")));
                case PSK -> symmetric.mixKeyAndHash(nextPsk());
                default -> mixDh(token);
            }
        }
        out.writeBytes(symmetric.encryptAndHash(payload));
        messageIndex++;
        return out.toByteArray();
    }

    /**
     * Processes the peer's next message and returns its payload. A message that fails leaves the state as
     * it was, so a forged message cannot spoil the handshake for the genuine one that follows.
     */
    public byte[] readMessage(byte[] message) {
        checkTurn(false);
        SymmetricState.Saved symmetricBefore = symmetric.save();
        byte[] remoteEphemeralBefore = remoteEphemeral;
        byte[] remoteStaticBefore = remoteStatic;
        int pskIndexBefore = pskIndex;
        try {
            return read(message);
        } catch (NoiseException e) {
            symmetric.restore(symmetricBefore);
            remoteEphemeral = remoteEphemeralBefore;
            remoteStatic = remoteStaticBefore;
            pskIndex = pskIndexBefore;
            throw e;
        }
    }

    private byte[] read(byte[] message) {
        int offset = 0;
        for (Token token : pattern.messages().get(messageIndex)) {
            switch (token) {
                case E -> {
                    remoteEphemeral = slice(message, offset, DH_LENGTH);
                    offset += DH_LENGTH;
                    mixEphemeral(remoteEphemeral);
                }
                case S -> {
                    int length = DH_LENGTH + (symmetric.hasKey() ? AeadAlgorithm.TAG_LENGTH : 0);
                    remoteStatic = symmetric.decryptAndHash(slice(message, offset, length));
                    offset += length;
                }
                case PSK -> symmetric.mixKeyAndHash(nextPsk());
                default -> mixDh(token);
            }
        }
        byte[] payload = symmetric.decryptAndHash(Arrays.copyOfRange(message, offset, message.length));
        messageIndex++;
        return payload;
    }

    /**
     * Supplies the pre-shared keys after construction, before the first psk token: a responder learns
     * from the first message which key the initiator means.
     */
    public void providePsks(List<byte[]> keys) {
        if (pskIndex > 0) {
            throw new IllegalStateException("a pre-shared key is already in use");
        }
        psks = List.copyOf(keys);
    }

    public boolean isComplete() {
        return messageIndex == pattern.messages().size();
    }

    /** The transport keys, initiator-to-responder first; only once the handshake is complete. */
    public CipherState[] split() {
        if (!isComplete()) {
            throw new IllegalStateException("handshake not complete");
        }
        return symmetric.split();
    }

    public byte[] handshakeHash() {
        return symmetric.handshakeHash();
    }

    /** The peer's static public key, once a message has carried it (or it was known in advance). */
    public byte[] remoteStaticKey() {
        return remoteStatic == null ? null : remoteStatic.clone();
    }

    public HandshakePattern pattern() {
        return pattern;
    }

    private void mixPreMessage(List<Token> tokens, boolean mine) {
        for (Token token : tokens) {
            if (token != Token.S) {
                throw new IllegalArgumentException("only static keys are supported in pre-messages");
            }
            symmetric.mixHash(require(mine ? localStaticPublic : remoteStatic, mine ? "local static key" : "remote static key"));
        }
    }

    private void mixEphemeral(byte[] publicKey) {
        symmetric.mixHash(publicKey);
        if (pattern.hasPsk()) {
            symmetric.mixKey(publicKey); // spec section 9.2: "e" also mixes the key when a psk is in use
        }
    }

    private void mixDh(Token token) {
        byte[] secret = switch (token) {
            case EE -> X25519.dh(localEphemeral, remoteEphemeral);
            case SS -> X25519.dh(require(localStatic, "local static key"), require(remoteStatic, "remote static key"));
            case ES -> initiator ? X25519.dh(localEphemeral, require(remoteStatic, "remote static key"))
                    : X25519.dh(require(localStatic, "local static key"), remoteEphemeral);
            case SE -> initiator ? X25519.dh(require(localStatic, "local static key"), remoteEphemeral)
                    : X25519.dh(localEphemeral, require(remoteStatic, "remote static key"));
            default -> throw new IllegalStateException("not a DH token: " + token);
        };
        symmetric.mixKey(secret);
    }

    private byte[] nextPsk() {
        if (pskIndex >= psks.size()) {
            throw new IllegalStateException("pattern " + pattern.name() + " needs more pre-shared keys");
        }
        return psks.get(pskIndex++);
    }

    private void checkTurn(boolean writing) {
        if (isComplete()) {
            throw new IllegalStateException("handshake already complete");
        }
        boolean initiatorsTurn = pattern.oneWay() || messageIndex % 2 == 0;
        if (writing != (initiatorsTurn == initiator)) {
            throw new IllegalStateException("not this side's turn to " + (writing ? "write" : "read"));
        }
    }

    private static byte[] slice(byte[] message, int offset, int length) {
        if (message.length - offset < length) {
            throw new NoiseException("handshake message too short");
        }
        return Arrays.copyOfRange(message, offset, offset + length);
    }

    private static byte[] require(byte[] key, String what) {
        if (key == null) {
            throw new IllegalStateException("the handshake needs the " + what);
        }
        return key;
    }

    /** Collects a handshake's inputs; keys are raw 32-byte X25519 keys (private ones for the local side). */
    public static final class Builder {
        private final String protocolName;
        private final boolean initiator;
        private byte[] prologue = new byte[0];
        private byte[] localStatic;
        private byte[] localStaticPublic;
        private byte[] localEphemeral;
        private byte[] remoteStatic;
        private List<byte[]> psks = new ArrayList<>();
        private SecureRandom random = new SecureRandom();

        private Builder(String protocolName, boolean initiator) {
            this.protocolName = protocolName;
            this.initiator = initiator;
        }

        public Builder prologue(byte[] value) {
            prologue = value.clone();
            return this;
        }

        public Builder localStatic(byte[] privateKey) {
            localStatic = privateKey.clone();
            localStaticPublic = null;
            return this;
        }

        /**
         * The local static key with its public key computed once by the caller: a responder that reads many initiations
         * saves one X25519 scalar multiplication each (a quarter of the cost of junk that passes mac1).
         */
        public Builder localStatic(byte[] privateKey, byte[] publicKey) {
            localStatic = privateKey;
            localStaticPublic = publicKey;
            return this;
        }

        /** A fixed ephemeral key: only for reproducing test vectors. */
        public Builder localEphemeral(byte[] privateKey) {
            localEphemeral = privateKey.clone();
            return this;
        }

        public Builder remoteStatic(byte[] publicKey) {
            remoteStatic = publicKey.clone();
            return this;
        }

        public Builder psks(List<byte[]> keys) {
            psks = List.copyOf(keys);
            return this;
        }

        public Builder random(SecureRandom source) {
            random = source;
            return this;
        }

        public HandshakeState build() {
            return new HandshakeState(this);
        }
    }
}
