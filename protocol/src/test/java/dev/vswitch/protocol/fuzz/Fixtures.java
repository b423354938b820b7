package dev.vswitch.protocol.fuzz;

import dev.vswitch.protocol.noise.Sha256;
import dev.vswitch.protocol.noise.X25519;
import dev.vswitch.protocol.wire.FuzzSessions;
import dev.vswitch.protocol.wire.HandshakeInitiator;
import dev.vswitch.protocol.wire.Timestamp;
import dev.vswitch.protocol.wire.WireFormat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;

/**
 * Fixed keys and a fixed clock for the fuzz tests. The seed corpus under
 * {@code src/test/resources/.../*FuzzTestInputs/} holds genuine messages made with exactly these keys, so
 * changing any of them turns those seeds into mere garbage (still valid inputs, but no longer reaching the
 * code behind authentication). They were written once from these fixtures: the initiation of
 * {@link #initiator()}, a {@code HandshakeResponder} response and a {@code CookieJar} reply to it, data
 * messages sealed by {@link #SESSIONS} (counters below {@link #SEEDED_COUNTERS}), Noise messages of
 * {@code NoiseFuzzTest}'s states, and tokens of these keys; with other keys, write them again the same way.
 */
final class Fixtures {

    static final byte[] SWITCH_PRIVATE = key("switch static");
    static final byte[] SWITCH_PUBLIC = X25519.publicKey(SWITCH_PRIVATE);
    static final byte[] CLIENT_PRIVATE = key("client static");
    static final byte[] CLIENT_PUBLIC = X25519.publicKey(CLIENT_PRIVATE);
    static final byte[] NETWORK_KEY = key("network key");
    static final String NETWORK = "lab";
    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    static final int CLIENT_INDEX = 0x0C11_E47;
    static final int SWITCH_INDEX = 0x5_17C4;
    /** Seeds hold data messages with counters below this; the check message after each input uses it. */
    static final int SEEDED_COUNTERS = 8;

    /** Sessions of the data-message seeds: the client's and the switch's. */
    static final FuzzSessions SESSIONS = new FuzzSessions(CLIENT_PRIVATE, key("client ephemeral"), CLIENT_INDEX,
            SWITCH_PRIVATE, key("switch ephemeral"), SWITCH_INDEX, NETWORK_KEY, initiationPayload());

    private Fixtures() {
    }

    /** An initiator whose ephemeral key is the same in every run, so seeded responses complete its handshake. */
    static HandshakeInitiator initiator() {
        return new HandshakeInitiator(CLIENT_PRIVATE, SWITCH_PUBLIC, NETWORK_KEY, NETWORK,
                new FixedRandom("initiator"));
    }

    /** The initiation that {@link #initiator()} sends first. */
    static byte[] initiation(HandshakeInitiator initiator) {
        return initiator.initiation(CLIENT_INDEX, NOW, null);
    }

    static byte[] key(String label) {
        return Sha256.hash(("vswitch fuzz " + label).getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] initiationPayload() {
        byte[] name = new byte[WireFormat.NETWORK_NAME_LENGTH];
        byte[] ascii = NETWORK.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(ascii, 0, name, 0, ascii.length);
        return ByteBuffer.allocate(WireFormat.INITIATION_PAYLOAD_LENGTH).put(Timestamp.encode(NOW)).put(name).array();
    }

    /** A SecureRandom that is not random at all: SHA-256 in counter mode over a label. Tests only. */
    static final class FixedRandom extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private final byte[] label;
        private long block;

        FixedRandom(String label) {
            this.label = label.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public synchronized void nextBytes(byte[] bytes) {
            for (int i = 0; i < bytes.length; i += Sha256.HASH_LENGTH) {
                byte[] chunk = Sha256.hash(label, ByteBuffer.allocate(8).putLong(block++).array());
                System.arraycopy(chunk, 0, bytes, i, Math.min(chunk.length, bytes.length - i));
            }
        }

        @Override
        public void setSeed(long seed) {
            // the constructor of SecureRandom calls this; a fixed generator ignores it
        }
    }
}
