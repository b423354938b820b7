package dev.vswitch.protocol.wire;

import dev.vswitch.protocol.noise.HandshakeState;
import dev.vswitch.protocol.noise.X25519;

import java.util.List;

/**
 * For the fuzz tests: a session pair with fixed keys, so that data messages sealed once (the seed corpus)
 * open again in every later run. The handshake is the real IKpsk2 one, with fixed ephemeral keys instead
 * of random ones; it runs once, and each {@link #fresh()} splits new transport keys from it, so a fuzz
 * iteration starts with an untouched pair of sessions without paying for Diffie-Hellman.
 */
public final class FuzzSessions {

    private final int clientIndex;
    private final int switchIndex;
    private final byte[] clientPublic;
    private final byte[] switchPublic;
    private final HandshakeState initiator;
    private final HandshakeState responder;

    public FuzzSessions(byte[] clientPrivate, byte[] clientEphemeral, int clientIndex, byte[] switchPrivate,
                        byte[] switchEphemeral, int switchIndex, byte[] networkKey, byte[] initiationPayload) {
        this.clientIndex = clientIndex;
        this.switchIndex = switchIndex;
        this.clientPublic = X25519.publicKey(clientPrivate);
        this.switchPublic = X25519.publicKey(switchPrivate);
        initiator = HandshakeState.builder(WireFormat.NOISE_PROTOCOL, true).localStatic(clientPrivate)
                .localEphemeral(clientEphemeral).remoteStatic(switchPublic).psks(List.of(networkKey)).build();
        responder = HandshakeState.builder(WireFormat.NOISE_PROTOCOL, false).localStatic(switchPrivate)
                .localEphemeral(switchEphemeral).build();
        responder.readMessage(initiator.writeMessage(initiationPayload));
        responder.providePsks(List.of(networkKey));
        initiator.readMessage(responder.writeMessage(new byte[0]));
    }

    /** A new pair with the same keys and nothing sent or received yet: the client's session first. */
    public Session[] fresh() {
        Session client = new Session(clientIndex, switchIndex, true, switchPublic, initiator.split(), 0);
        Session server = new Session(switchIndex, clientIndex, false, clientPublic, responder.split(), 0);
        return new Session[] {client, server};
    }
}
