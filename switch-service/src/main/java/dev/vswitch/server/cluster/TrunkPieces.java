package dev.vswitch.server.cluster;

import dev.vswitch.protocol.wire.WireFormat;

import java.nio.ByteBuffer;

/**
 * Tagged frames cut into pieces that cross any path whole, and joined again: how a trunk carries a frame too large
 * for one datagram without IP fragments, which many paths drop (a pod network's MTU of 1450 with the host's 1500, an
 * IPv6 path, a long network name). A piece's plaintext is
 *
 * <pre>
 * 0x82 | frame id (4) | offset of its data in the tagged frame (2) | the tagged frame's length (2) | data
 * </pre>
 *
 * <p>Each piece is a data message of its own, at most {@link #SAFE_PLAINTEXT} bytes of plaintext, so its datagram is at
 * most 1,280 bytes, which every IPv6 path carries. The sender numbers its cut frames; the receiver joins the pieces of
 * one frame in any order, and a piece of another frame abandons the one it was joining (counted).
 */
public final class TrunkPieces {

    public static final int HEADER_LENGTH = 1 + 4 + 2 + 2;
    /** The most plaintext a datagram crossing every IPv6 path whole can carry: 1,280 - 40 - 8 - 32 bytes. */
    public static final int SAFE_PLAINTEXT = 1280 - 40 - 8 - WireFormat.DATA_OVERHEAD;
    /** The data of one piece, all but the last of a frame. */
    static final int PIECE_DATA = SAFE_PLAINTEXT - HEADER_LENGTH;
    /** The lengths are two bytes: no tagged frame is longer (the largest is a 32-byte tag and a 65,535-byte frame). */
    private static final int MAX_WHOLE = 0xffff;

    /** What became of a piece given to a {@link Joiner}. */
    public enum Joined {
        /** Kept; its frame lacks other pieces still. */
        PENDING,
        /** It completed its frame, which is now in the buffer it came in. */
        WHOLE,
        /** Not a piece: too short, or its data outside its frame. */
        MALFORMED
    }

    private TrunkPieces() {
    }

    /** How many pieces a tagged frame of {@code length} bytes is cut into. */
    public static int count(int length) {
        return (length + PIECE_DATA - 1) / PIECE_DATA;
    }

    /**
     * Writes piece {@code index} of the tagged frame in {@code whole} (from its position to its limit, in a heap
     * buffer) into {@code piece}, which is cleared first and left from 0 to the piece's end.
     */
    public static void write(ByteBuffer whole, int index, int frameId, ByteBuffer piece) {
        int length = whole.remaining();
        if (length > MAX_WHOLE) {
            throw new IllegalArgumentException("a tagged frame of " + length + " bytes is longer than a piece can name");
        }
        int offset = index * PIECE_DATA;
        int data = Math.min(PIECE_DATA, length - offset);
        piece.clear();
        piece.put(TrunkFrames.PIECE).putInt(frameId).putShort((short) offset).putShort((short) length)
                .put(whole.array(), whole.arrayOffset() + whole.position() + offset, data)
                .flip();
    }

    /**
     * The frame one link is joining. Only on the switch's event loop. Nothing is allocated per piece: the frame is
     * gathered in one buffer as large as the largest tagged frame the mesh carries.
     */
    public static final class Joiner {

        private final byte[] whole;
        private final ClusterCounters counters;
        private int frameId;
        /** The length of the frame being joined, -1 when none is. */
        private int length = -1;
        private int received;

        Joiner(int capacity, ClusterCounters counters) {
            this.whole = new byte[capacity];
            this.counters = counters;
        }

        /**
         * Takes the piece in {@code plain} (from index 0 to its limit). When it completes its frame, {@code plain} then
         * holds the tagged frame, from 0 to its limit.
         */
        public Joined add(ByteBuffer plain) {
            if (plain.limit() <= HEADER_LENGTH) {
                return Joined.MALFORMED;
            }
            int id = plain.getInt(1);
            int offset = Short.toUnsignedInt(plain.getShort(5));
            int total = Short.toUnsignedInt(plain.getShort(7));
            int data = plain.limit() - HEADER_LENGTH;
            if (total > whole.length || offset + data > total) {
                return Joined.MALFORMED;
            }
            if (length < 0 || id != frameId || total != length) {
                if (length >= 0) {
                    counters.frameAbandoned();
                }
                frameId = id;
                length = total;
                received = 0;
            }
            plain.get(HEADER_LENGTH, whole, offset, data);
            received += data;
            if (received < length) {
                return Joined.PENDING;
            }
            plain.clear();
            plain.put(whole, 0, length).flip();
            length = -1;
            counters.frameJoined();
            return Joined.WHOLE;
        }
    }
}
