package dev.vswitch.protocol.wire;

import dev.vswitch.protocol.noise.HandshakeState;
import dev.vswitch.protocol.noise.NoiseException;
import dev.vswitch.protocol.noise.X25519;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;

/**
 * The switch's side of the handshake. Reading an initiation reveals who is asking (its static key) and
 * for which network before the network key is needed, because IKpsk2 mixes the PSK only into the
 * response; the caller checks its policy (network exists, key allowed, timestamp newer) in between.
 */
public final class HandshakeResponder {

    /** A decrypted initiation, waiting for the caller's policy check and {@link #respond}. */
    public record Initiation(int senderIndex, byte[] initiatorStatic, String network, byte[] timestamp,
                             HandshakeState state) {
    }

    /** The response to send and the session it starts (unconfirmed until the first data message). */
    public record Response(byte[] message, Session session) {
    }

    private final byte[] localPrivate;
    /** Computed once: every initiation read needs it, and X25519 is the expensive part of reading one. */
    private final byte[] localPublic;
    private final byte[] mac1Key;
    private final SecureRandom random;

    public HandshakeResponder(byte[] localPrivate) {
        this(localPrivate, new SecureRandom());
    }

    /** @param random the source of the responder's ephemeral keys */
    public HandshakeResponder(byte[] localPrivate, SecureRandom random) {
        this.localPrivate = localPrivate.clone();
        this.localPublic = X25519.publicKey(localPrivate);
        this.mac1Key = MessageMacs.mac1Key(localPublic);
        this.random = random;
    }

    /** The cheap first check of an initiation: does the sender know our public key? */
    public boolean mac1Valid(byte[] initiation) {
        return initiation.length == WireFormat.INITIATION_LENGTH && MessageMacs.mac1Valid(initiation, mac1Key);
    }

    /** Decrypts an initiation; throws {@link NoiseException} when it is not a genuine one. */
    public Initiation readInitiation(byte[] message) {
        if (message.length != WireFormat.INITIATION_LENGTH) {
            throw new NoiseException("initiation of wrong length");
        }
        HandshakeState state = HandshakeState.builder(WireFormat.NOISE_PROTOCOL, false)
                .localStatic(localPrivate, localPublic).random(random).build();
        int senderIndex = ByteBuffer.wrap(message).getInt(WireFormat.HEADER_LENGTH);
        int noiseStart = WireFormat.HEADER_LENGTH + WireFormat.INDEX_LENGTH;
        byte[] payload = state.readMessage(Arrays.copyOfRange(message, noiseStart, message.length - 2 * WireFormat.MAC_LENGTH));
        byte[] timestamp = Arrays.copyOf(payload, WireFormat.TIMESTAMP_LENGTH);
        String network = HandshakeInitiator.NetworkName.decode(
                Arrays.copyOfRange(payload, WireFormat.TIMESTAMP_LENGTH, payload.length));
        return new Initiation(senderIndex, state.remoteStaticKey(), network, timestamp, state);
    }

    /** Answers an accepted initiation with the network's key as the PSK. */
    public Response respond(Initiation initiation, byte[] networkKey, int localIndex, long nowNanos) {
        HandshakeState state = initiation.state();
        state.providePsks(List.of(networkKey));
        ByteBuffer out = ByteBuffer.allocate(WireFormat.RESPONSE_LENGTH);
        WireFormat.putHeader(out, WireFormat.TYPE_RESPONSE);
        out.putInt(localIndex).putInt(initiation.senderIndex()).put(state.writeMessage(new byte[0]));
        byte[] message = out.array();
        MessageMacs.write(message, MessageMacs.mac1Key(initiation.initiatorStatic()), null);
        Session session = new Session(localIndex, initiation.senderIndex(), false, initiation.initiatorStatic(),
                state.split(), nowNanos);
        return new Response(message, session);
    }
}
