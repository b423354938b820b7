package dev.vswitch.protocol.wire;

import dev.vswitch.protocol.noise.HandshakeState;
import dev.vswitch.protocol.noise.NoiseException;
import dev.vswitch.protocol.noise.X25519;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * The vport's side of the handshake: Noise IKpsk2 with the switch's static key known in advance and the
 * network key as the PSK. Each {@link #initiation} starts afresh with a new ephemeral key.
 */
public final class HandshakeInitiator {

    private final byte[] localPrivate;
    private final byte[] localPublic;
    private final byte[] responderPublic;
    private final byte[] psk;
    private final byte[] networkName;
    private final SecureRandom random;
    private HandshakeState state;
    private int localIndex;
    private byte[] lastMac1;

    public HandshakeInitiator(byte[] localPrivate, byte[] responderPublic, byte[] psk, String network, SecureRandom random) {
        this.localPrivate = localPrivate.clone();
        this.localPublic = X25519.publicKey(localPrivate);
        this.responderPublic = responderPublic.clone();
        this.psk = psk.clone();
        this.networkName = NetworkName.encode(network);
        this.random = random;
    }

    /** A new initiation message from {@code index}, with mac2 when the switch handed us a cookie. */
    public byte[] initiation(int index, Instant now, byte[] cookie) {
        state = HandshakeState.builder(WireFormat.NOISE_PROTOCOL, true)
                .localStatic(localPrivate).remoteStatic(responderPublic).psks(List.of(psk)).random(random).build();
        localIndex = index;
        ByteBuffer payload = ByteBuffer.allocate(WireFormat.INITIATION_PAYLOAD_LENGTH);
        payload.put(Timestamp.encode(now)).put(networkName);
        ByteBuffer out = ByteBuffer.allocate(WireFormat.INITIATION_LENGTH);
        WireFormat.putHeader(out, WireFormat.TYPE_INITIATION);
        out.putInt(index).put(state.writeMessage(payload.array()));
        byte[] message = out.array();
        MessageMacs.write(message, MessageMacs.mac1Key(responderPublic), cookie);
        lastMac1 = MessageMacs.mac1(message);
        return message;
    }

    /** The mac1 of the last initiation: a cookie reply is bound to it. */
    public byte[] lastMac1() {
        return lastMac1 == null ? null : lastMac1.clone();
    }

    public int localIndex() {
        return localIndex;
    }

    /** Completes the handshake with the switch's response; throws {@link NoiseException} if it is not genuine. */
    public Session consumeResponse(byte[] response, long nowNanos) {
        if (state == null || state.isComplete()) {
            throw new NoiseException("no handshake in progress");
        }
        ByteBuffer in = ByteBuffer.wrap(response);
        if (WireFormat.typeOf(in, 0, response.length) != WireFormat.TYPE_RESPONSE) {
            throw new NoiseException("not a handshake response");
        }
        int senderIndex = in.getInt(WireFormat.HEADER_LENGTH);
        if (in.getInt(WireFormat.HEADER_LENGTH + WireFormat.INDEX_LENGTH) != localIndex) {
            throw new NoiseException("response to another handshake");
        }
        if (!MessageMacs.mac1Valid(response, MessageMacs.mac1Key(localPublic))) {
            throw new NoiseException("bad mac1 on response");
        }
        int noiseStart = WireFormat.HEADER_LENGTH + 2 * WireFormat.INDEX_LENGTH;
        state.readMessage(Arrays.copyOfRange(response, noiseStart, response.length - 2 * WireFormat.MAC_LENGTH));
        return new Session(localIndex, senderIndex, true, responderPublic, state.split(), nowNanos);
    }

    /** Network names travel as zero-padded UTF-8. */
    static final class NetworkName {
        private NetworkName() {
        }

        static byte[] encode(String network) {
            byte[] name = network.getBytes(StandardCharsets.UTF_8);
            if (name.length == 0 || name.length > WireFormat.NETWORK_NAME_LENGTH) {
                throw new IllegalArgumentException("a network name has 1 to 32 bytes: " + network);
            }
            return Arrays.copyOf(name, WireFormat.NETWORK_NAME_LENGTH);
        }

        static String decode(byte[] padded) {
            int length = 0;
            while (length < padded.length && padded[length] != 0) {
                length++;
            }
            return new String(padded, 0, length, StandardCharsets.UTF_8);
        }
    }
}
