package dev.vswitch.protocol.wire;

import dev.vswitch.protocol.Mtu;
import dev.vswitch.protocol.noise.AeadAlgorithm;

/**
 * Layout of the secure wire format, version 1 (docs/protocol.md). Every message starts with a 4-byte
 * header: type, version, two reserved zero bytes. Integers are big-endian.
 */
public final class WireFormat {

    public static final byte VERSION = 1;

    public static final byte TYPE_INITIATION = 1;
    public static final byte TYPE_RESPONSE = 2;
    public static final byte TYPE_COOKIE_REPLY = 3;
    public static final byte TYPE_DATA = 4;
    /**
     * Data with offloads: a 10-byte virtio_net_hdr (little-endian) before the frame, so a TCP segmentation offload
     * super-frame of up to 64 KB, or a frame whose checksum is still to be completed, crosses as one message. The
     * message type is authenticated (it is the associated data), so a type 4 cannot be passed off as a type 5.
     */
    public static final byte TYPE_DATA_OFFLOAD = 5;
    /** The switch will not take an initiation, and says why ({@link HandshakeRefusal}); unauthenticated, for diagnosis only. */
    public static final byte TYPE_HANDSHAKE_REFUSED = 6;

    /** Noise protocol of the handshake: AES-256-GCM won the AEAD benchmark on JDK 17 (bench/RESULTS.md). */
    public static final String NOISE_PROTOCOL = "Noise_IKpsk2_25519_AESGCM_SHA256";
    public static final AeadAlgorithm AEAD = AeadAlgorithm.AES_GCM;

    public static final int HEADER_LENGTH = 4;
    public static final int INDEX_LENGTH = 4;
    public static final int KEY_LENGTH = 32;
    public static final int TAG_LENGTH = AeadAlgorithm.TAG_LENGTH;
    public static final int MAC_LENGTH = 16;
    public static final int TIMESTAMP_LENGTH = 12;
    /** Network names are UTF-8, at most this many bytes, zero-padded in the initiation. */
    public static final int NETWORK_NAME_LENGTH = 32;

    /** Initiation: header, sender index, e, encrypted s, encrypted {timestamp, network}, mac1, mac2. */
    public static final int INITIATION_PAYLOAD_LENGTH = TIMESTAMP_LENGTH + NETWORK_NAME_LENGTH;
    public static final int INITIATION_LENGTH = HEADER_LENGTH + INDEX_LENGTH + KEY_LENGTH + KEY_LENGTH + TAG_LENGTH
            + INITIATION_PAYLOAD_LENGTH + TAG_LENGTH + 2 * MAC_LENGTH;

    /** Response: header, sender index, receiver index, e, encrypted empty payload, mac1, mac2. */
    public static final int RESPONSE_LENGTH = HEADER_LENGTH + 2 * INDEX_LENGTH + KEY_LENGTH + TAG_LENGTH + 2 * MAC_LENGTH;

    /** Cookie reply: header, receiver index, nonce, encrypted cookie. */
    public static final int COOKIE_NONCE_LENGTH = 12;
    public static final int COOKIE_LENGTH = 16;
    public static final int COOKIE_REPLY_LENGTH = HEADER_LENGTH + INDEX_LENGTH + COOKIE_NONCE_LENGTH + COOKIE_LENGTH + TAG_LENGTH;

    /** Data: header, receiver index, counter, encrypted frame. An empty frame is a keepalive. */
    public static final int DATA_HEADER_LENGTH = HEADER_LENGTH + INDEX_LENGTH + 8;
    public static final int DATA_OVERHEAD = DATA_HEADER_LENGTH + TAG_LENGTH;
    public static final int DATA_COUNTER_OFFSET = HEADER_LENGTH + INDEX_LENGTH;

    /** The largest plaintext a data message can carry: the whole message fits the largest UDP payload over IPv4. */
    public static final int MAX_PLAINTEXT = Mtu.MAX_DATAGRAM - DATA_OVERHEAD;
    /** 1500 - 40 - 8 - 14 - 32 = 1406: a full-size frame in a secure data message fits one 1500-byte packet. */
    public static final int DEFAULT_TAP_MTU = Mtu.tapMtu(Mtu.DEFAULT_PATH_MTU, DATA_OVERHEAD);

    /** Sessions: the timers of WireGuard's protocol, for the same reasons. */
    public static final long REKEY_AFTER_MESSAGES = 1L << 60;
    public static final long REJECT_AFTER_MESSAGES = Long.MAX_VALUE - (1L << 13);
    public static final long REKEY_AFTER_SECONDS = 120;
    public static final long REJECT_AFTER_SECONDS = 180;
    public static final long REKEY_TIMEOUT_SECONDS = 5;

    private WireFormat() {
    }

    /** The message type of a datagram, or 0 when it is too short or of another version. */
    public static byte typeOf(java.nio.ByteBuffer datagram, int offset, int length) {
        if (length < HEADER_LENGTH || datagram.get(offset + 1) != VERSION
                || datagram.get(offset + 2) != 0 || datagram.get(offset + 3) != 0) {
            return 0;
        }
        byte type = datagram.get(offset);
        int expected = switch (type) {
            case TYPE_INITIATION -> INITIATION_LENGTH;
            case TYPE_RESPONSE -> RESPONSE_LENGTH;
            case TYPE_COOKIE_REPLY -> COOKIE_REPLY_LENGTH;
            case TYPE_HANDSHAKE_REFUSED -> HandshakeRefusal.LENGTH;
            case TYPE_DATA, TYPE_DATA_OFFLOAD -> -1;
            default -> 0;
        };
        if (expected == 0 || (expected > 0 && length != expected) || (expected < 0 && length < DATA_OVERHEAD)) {
            return 0;
        }
        return type;
    }

    /** The buffer's remaining bytes in a new array, leaving its position where it was. */
    public static byte[] copyOf(java.nio.ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(buffer.position(), bytes);
        return bytes;
    }

    static void putHeader(java.nio.ByteBuffer out, byte type) {
        out.put(type).put(VERSION).put((byte) 0).put((byte) 0);
    }
}
