package dev.vswitch.protocol.noise;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The published cacophony vectors for Curve25519 + SHA-256, both ciphers: every handshake and transport message. */
class NoiseVectorsTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final String VECTORS = "/noise-vectors/cacophony-25519-sha256.json";

    @TestFactory
    Stream<DynamicTest> everyVectorReproducesByteForByte() throws IOException {
        return vectors().stream().map(vector ->
                DynamicTest.dynamicTest(vector.get("protocol_name").asText(), () -> run(vector)));
    }

    @Test
    void theVectorSetCoversThePatternsWeDependOn() throws IOException {
        Set<String> names = vectors().stream().map(v -> v.get("protocol_name").asText()).collect(Collectors.toSet());
        assertEquals(118, names.size(), "all vectors of the shared file are run");
        for (String pattern : List.of("IK", "IKpsk2", "NN", "XX")) {
            for (String cipher : List.of("ChaChaPoly", "AESGCM")) {
                assertTrue(names.contains("Noise_" + pattern + "_25519_" + cipher + "_SHA256"), pattern + " " + cipher);
            }
        }
    }

    private static void run(JsonNode vector) {
        String name = vector.get("protocol_name").asText();
        HandshakeState initiator = side(vector, name, true, "init_");
        HandshakeState responder = side(vector, name, false, "resp_");
        boolean oneWay = initiator.pattern().oneWay();
        CipherState[] initiatorKeys = null;
        CipherState[] responderKeys = null;
        int index = 0;
        for (JsonNode message : vector.get("messages")) {
            byte[] payload = bytes(message, "payload");
            byte[] expected = bytes(message, "ciphertext");
            boolean fromInitiator = oneWay || index % 2 == 0;
            if (!initiator.isComplete()) {
                HandshakeState sender = fromInitiator ? initiator : responder;
                HandshakeState receiver = fromInitiator ? responder : initiator;
                assertArrayEquals(expected, sender.writeMessage(payload), name + " handshake message " + index);
                assertArrayEquals(payload, receiver.readMessage(expected), name + " handshake payload " + index);
                if (initiator.isComplete()) {
                    assertTrue(responder.isComplete());
                    if (vector.has("handshake_hash")) {
                        assertArrayEquals(bytes(vector, "handshake_hash"), initiator.handshakeHash(), name + " hash");
                    }
                    assertArrayEquals(initiator.handshakeHash(), responder.handshakeHash());
                    initiatorKeys = initiator.split();
                    responderKeys = responder.split();
                }
            } else {
                CipherState send = fromInitiator ? initiatorKeys[0] : responderKeys[1];
                CipherState receive = fromInitiator ? responderKeys[0] : initiatorKeys[1];
                assertArrayEquals(expected, send.encryptWithAd(new byte[0], payload), name + " transport " + index);
                assertArrayEquals(payload, receive.decryptWithAd(new byte[0], expected));
            }
            index++;
        }
        assertTrue(initiator.isComplete(), name + " handshake completed");
    }

    private static HandshakeState side(JsonNode vector, String name, boolean initiator, String prefix) {
        HandshakeState.Builder builder = HandshakeState.builder(name, initiator)
                .prologue(bytes(vector, prefix + "prologue"));
        if (vector.has(prefix + "static")) {
            builder.localStatic(bytes(vector, prefix + "static"));
        }
        if (vector.has(prefix + "ephemeral")) {
            builder.localEphemeral(bytes(vector, prefix + "ephemeral"));
        }
        if (vector.has(prefix + "remote_static")) {
            builder.remoteStatic(bytes(vector, prefix + "remote_static"));
        }
        if (vector.has(prefix + "psks")) {
            List<byte[]> psks = new ArrayList<>();
            vector.get(prefix + "psks").forEach(psk -> psks.add(HEX.parseHex(psk.asText())));
            builder.psks(psks);
        }
        return builder.build();
    }

    private static byte[] bytes(JsonNode node, String field) {
        return HEX.parseHex(node.get(field).asText());
    }

    static List<JsonNode> vectors() throws IOException {
        // In the repository with their source and licence (noise-vectors/README.md beside the file).
        try (InputStream in = NoiseVectorsTest.class.getResourceAsStream(VECTORS)) {
            if (in == null) {
                throw new IllegalStateException("Noise test vectors missing from the test classpath: " + VECTORS);
            }
            List<JsonNode> vectors = new ArrayList<>();
            new ObjectMapper().readTree(in).get("vectors").forEach(vectors::add);
            return vectors;
        }
    }

    @Test
    void transportSealAndOpenWithExplicitCountersRoundTrip() {
        for (AeadAlgorithm algorithm : AeadAlgorithm.values()) {
            CipherState sender = new CipherState(algorithm);
            CipherState receiver = new CipherState(algorithm);
            byte[] key = new byte[32];
            key[0] = 1;
            sender.initializeKey(key);
            receiver.initializeKey(key);
            ByteBuffer sealed = ByteBuffer.allocate(100 + AeadAlgorithm.TAG_LENGTH);
            assertEquals(116, sender.seal(7, null, ByteBuffer.wrap(new byte[100]), sealed));
            sealed.flip();
            ByteBuffer opened = ByteBuffer.allocate(100);
            assertEquals(100, receiver.open(7, null, sealed, opened));
        }
    }
}
