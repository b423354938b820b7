package dev.vswitch.server.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vswitch.protocol.wire.WireFormat;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Tagged frames cut into pieces whose datagrams cross any IPv6 path whole (1,280 bytes), and joined at the other end in
 * any order; a piece of another frame abandons the one being joined; malformed pieces are refused, never thrown on.
 */
class TrunkPiecesTest {

    private static final int CAPACITY = 1 + 32 + 9000;
    private final Random random = new Random(19);
    private final ClusterCounters counters = new ClusterCounters();
    private final TrunkPieces.Joiner joiner = new TrunkPieces.Joiner(CAPACITY, counters);
    private final ByteBuffer plain = ByteBuffer.allocate(65536);

    @Test
    void everyPieceFitsADatagramThatCrossesAnyIpv6PathWhole() {
        assertEquals(1280, 40 + 8 + WireFormat.DATA_OVERHEAD + TrunkPieces.SAFE_PLAINTEXT);
        byte[] whole = tagged(1 + 7 + 1518);
        List<byte[]> pieces = cut(whole, 7);
        assertEquals(2, pieces.size(), "a full frame of the largest default size takes two pieces");
        for (byte[] piece : pieces) {
            assertTrue(piece.length <= TrunkPieces.SAFE_PLAINTEXT, piece.length + " bytes");
            assertEquals(TrunkFrames.PIECE, piece[0]);
        }
        assertEquals(1, TrunkPieces.count(TrunkPieces.SAFE_PLAINTEXT - TrunkPieces.HEADER_LENGTH));
        assertEquals(2, TrunkPieces.count(TrunkPieces.SAFE_PLAINTEXT - TrunkPieces.HEADER_LENGTH + 1));
    }

    @Test
    void piecesJoinIntoTheTaggedFrameInAnyOrder() {
        for (int length : new int[] {1201, 1551, 3000, CAPACITY}) {
            byte[] whole = tagged(length);
            List<byte[]> pieces = cut(whole, length);
            Collections.shuffle(pieces, random);
            for (int i = 0; i < pieces.size() - 1; i++) {
                assertEquals(TrunkPieces.Joined.PENDING, add(pieces.get(i)), "piece " + i + " of " + length);
            }
            assertEquals(TrunkPieces.Joined.WHOLE, add(pieces.get(pieces.size() - 1)));
            assertArrayEquals(whole, Arrays.copyOf(plain.array(), plain.limit()), length + " bytes joined");
            assertEquals(0, plain.position());
        }
        assertEquals(4, counters.framesJoined());
        assertEquals(0, counters.framesAbandoned());
    }

    @Test
    void aPieceOfTheNextFrameAbandonsTheOneMissingAPiece() {
        List<byte[]> lost = cut(tagged(2000), 1);
        byte[] next = tagged(1500);
        List<byte[]> pieces = cut(next, 2);
        assertEquals(TrunkPieces.Joined.PENDING, add(lost.get(0)));
        assertEquals(TrunkPieces.Joined.PENDING, add(pieces.get(0)));
        assertEquals(TrunkPieces.Joined.WHOLE, add(pieces.get(1)));
        assertArrayEquals(next, Arrays.copyOf(plain.array(), plain.limit()));
        assertEquals(1, counters.framesAbandoned());
        assertEquals(TrunkPieces.Joined.PENDING, add(lost.get(1)), "a late piece starts its frame anew");
    }

    @Test
    void malformedPiecesAreRefused() {
        byte[] piece = cut(tagged(1500), 3).get(0);
        assertEquals(TrunkPieces.Joined.MALFORMED, add(Arrays.copyOf(piece, TrunkPieces.HEADER_LENGTH)), "no data");
        byte[] outside = piece.clone();
        outside[5] = 0x7f; // the offset far beyond the frame's length
        assertEquals(TrunkPieces.Joined.MALFORMED, add(outside));
        byte[] tooLong = piece.clone();
        tooLong[7] = (byte) 0xff; // a frame of 65,535+ bytes: more than the mesh ever sends
        tooLong[8] = (byte) 0xff;
        assertEquals(TrunkPieces.Joined.MALFORMED, add(tooLong));
        for (int i = 0; i < 2000; i++) {
            byte[] garbage = new byte[1 + random.nextInt(TrunkPieces.SAFE_PLAINTEXT)];
            random.nextBytes(garbage);
            garbage[0] = TrunkFrames.PIECE;
            add(garbage); // never throws, whatever it says
        }
    }

    private TrunkPieces.Joined add(byte[] piece) {
        plain.clear();
        plain.put(piece).flip();
        return joiner.add(plain);
    }

    private byte[] tagged(int length) {
        byte[] whole = new byte[length];
        random.nextBytes(whole);
        whole[0] = 7;
        return whole;
    }

    private static List<byte[]> cut(byte[] whole, int frameId) {
        ByteBuffer source = ByteBuffer.wrap(whole);
        ByteBuffer piece = ByteBuffer.allocate(TrunkPieces.SAFE_PLAINTEXT);
        List<byte[]> pieces = new ArrayList<>();
        for (int i = 0; i < TrunkPieces.count(whole.length); i++) {
            TrunkPieces.write(source, i, frameId, piece);
            pieces.add(Arrays.copyOf(piece.array(), piece.limit()));
        }
        assertEquals(0, source.position(), "cutting leaves the frame as it was");
        return pieces;
    }
}
