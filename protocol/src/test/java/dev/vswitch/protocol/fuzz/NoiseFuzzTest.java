package dev.vswitch.protocol.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vswitch.protocol.noise.HandshakeState;
import dev.vswitch.protocol.noise.NoiseException;
import dev.vswitch.protocol.wire.WireFormat;

import java.util.Arrays;
import java.util.List;

import static dev.vswitch.protocol.fuzz.Fixtures.CLIENT_PRIVATE;
import static dev.vswitch.protocol.fuzz.Fixtures.CLIENT_PUBLIC;
import static dev.vswitch.protocol.fuzz.Fixtures.NETWORK_KEY;
import static dev.vswitch.protocol.fuzz.Fixtures.SWITCH_PRIVATE;
import static dev.vswitch.protocol.fuzz.Fixtures.SWITCH_PUBLIC;
import static dev.vswitch.protocol.fuzz.Refusals.check;
import static dev.vswitch.protocol.fuzz.Refusals.requireReason;

/**
 * Noise {@code IKpsk2} message parsing without the wire format around it (no length check, no mac1), so
 * the fuzzer works on the token walk itself. The first byte picks the reader: even, the responder reading
 * message 1; odd, the initiator reading message 2 after writing a fixed message 1. Seeds: a genuine message
 * of each kind.
 */
class NoiseFuzzTest {

    static final byte[] INITIATOR_EPHEMERAL = Fixtures.key("noise initiator ephemeral");
    static final byte[] PAYLOAD = "fuzz".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    @FuzzTest(maxDuration = "15s")
    void readMessage(byte[] data) {
        if (data.length == 0) {
            return;
        }
        byte[] message = Arrays.copyOfRange(data, 1, data.length);
        boolean responderReads = (data[0] & 1) == 0;
        HandshakeState state = responderReads ? responder() : initiatorAfterFirstMessage();
        byte[] payload;
        try {
            payload = state.readMessage(message);
        } catch (NoiseException e) {
            requireReason(e);
            return;
        }
        if (responderReads) {
            // e, encrypted s, encrypted payload: only the seeded client's key can have made it through
            check(Arrays.equals(state.remoteStaticKey(), CLIENT_PUBLIC), "message 1 from an unknown static key");
            check(payload.length == message.length - 32 - 48 - WireFormat.TAG_LENGTH, "payload of the wrong length");
            state.providePsks(List.of(NETWORK_KEY));
            state.writeMessage(new byte[0]);
        } else {
            check(payload.length == message.length - 32 - WireFormat.TAG_LENGTH, "payload of the wrong length");
        }
        check(state.isComplete(), "IKpsk2 is not complete after both messages");
    }

    static HandshakeState responder() {
        return HandshakeState.builder(WireFormat.NOISE_PROTOCOL, false).localStatic(SWITCH_PRIVATE).build();
    }

    static HandshakeState initiator() {
        return HandshakeState.builder(WireFormat.NOISE_PROTOCOL, true).localStatic(CLIENT_PRIVATE)
                .remoteStatic(SWITCH_PUBLIC).psks(List.of(NETWORK_KEY)).localEphemeral(INITIATOR_EPHEMERAL).build();
    }

    /** An initiator that has sent its (always identical) first message and waits for the second. */
    static HandshakeState initiatorAfterFirstMessage() {
        HandshakeState state = initiator();
        state.writeMessage(PAYLOAD);
        return state;
    }
}
