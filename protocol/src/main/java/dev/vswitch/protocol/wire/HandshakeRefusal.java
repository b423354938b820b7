package dev.vswitch.protocol.wire;

import java.nio.ByteBuffer;

/**
 * Message type 6, the switch's answer to an initiation it will not take: 12 bytes (header, the initiation's sender index,
 * the reason, three zero bytes) for 180 received, so it never amplifies, and sent only within the sender's handshake rate
 * limit. It is not authenticated, and cannot be (the switch shares no key with a client it refuses): a vport uses it only
 * to tell its user why it is not let in, never to change what it does. The echoed index keeps off-path senders from
 * putting words in the switch's mouth without guessing 32 bits.
 */
public final class HandshakeRefusal {

    public static final int LENGTH = WireFormat.HEADER_LENGTH + WireFormat.INDEX_LENGTH + 4;
    private static final int REASON_OFFSET = WireFormat.HEADER_LENGTH + WireFormat.INDEX_LENGTH;

    /** Why the switch refused; the codes are on the wire. */
    public enum Reason {
        /** mac1 did not verify: the initiation was made for another switch's public key (a token from another switch). */
        UNKNOWN_SWITCH_KEY(1),
        /** The initiation asks for a network the switch does not have. */
        UNKNOWN_NETWORK(2),
        /** The client's key is not on the network's allow-list. */
        CLIENT_NOT_ALLOWED(3),
        /** The timestamp is not newer than the last one accepted from this key: a replay, or a clock that went back. */
        STALE_TIMESTAMP(4),
        /** Another vport with the same client key holds a live session with the switch. */
        KEY_IN_USE(5);

        private final byte code;

        Reason(int code) {
            this.code = (byte) code;
        }

        static Reason of(byte code) {
            for (Reason reason : values()) {
                if (reason.code == code) {
                    return reason;
                }
            }
            return null;
        }
    }

    private HandshakeRefusal() {
    }

    /** The refusal of an initiation whose sender index was {@code receiverIndex}. */
    public static byte[] encode(int receiverIndex, Reason reason) {
        ByteBuffer out = ByteBuffer.allocate(LENGTH);
        WireFormat.putHeader(out, WireFormat.TYPE_HANDSHAKE_REFUSED);
        out.putInt(receiverIndex).put(reason.code);
        return out.array();
    }

    /** The sender index of an initiation (readable without any key), which a refusal echoes. */
    public static int senderIndexOf(byte[] initiation) {
        return ByteBuffer.wrap(initiation).getInt(WireFormat.HEADER_LENGTH);
    }

    /** The index a refusal answers (the initiation's sender index). */
    public static int receiverIndexOf(byte[] refusal) {
        return ByteBuffer.wrap(refusal).getInt(WireFormat.HEADER_LENGTH);
    }

    /** The reason of a refusal of {@link #LENGTH} bytes, or null for a code this version does not know. */
    public static Reason reasonOf(byte[] refusal) {
        if (refusal[REASON_OFFSET + 1] != 0 || refusal[REASON_OFFSET + 2] != 0 || refusal[REASON_OFFSET + 3] != 0) {
            return null;
        }
        return Reason.of(refusal[REASON_OFFSET]);
    }
}
