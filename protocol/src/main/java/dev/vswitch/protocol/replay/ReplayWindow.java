package dev.vswitch.protocol.replay;

/**
 * The receive-side anti-replay window of RFC 6479: a ring of 64-bit blocks, so that sliding the window
 * forward clears whole blocks instead of shifting bits. Accepts each counter at most once and rejects
 * counters more than {@link #WINDOW_SIZE} behind the newest one seen. Not thread-safe.
 */
public final class ReplayWindow {

    /** What {@link #accept} decided. */
    public enum Verdict { ACCEPTED, REPLAYED, TOO_OLD }

    private static final int BLOCK_BITS = 64;
    private static final int BLOCKS = 32;
    private static final int BLOCK_MASK = BLOCKS - 1;
    /** Counters this far behind the newest are still accepted once: 1984, as WireGuard's 2048-bit ring less a block. */
    public static final int WINDOW_SIZE = (BLOCKS - 1) * BLOCK_BITS;

    private final long[] ring = new long[BLOCKS];
    private long newest = -1;

    /** Cheap pre-check before decrypting: false when the counter would certainly be refused. */
    public boolean mayAccept(long counter) {
        if (counter < 0) {
            return false;
        }
        if (counter > newest) {
            return true;
        }
        return newest - counter < WINDOW_SIZE && (ring[blockOf(counter)] & bitOf(counter)) == 0;
    }

    /** Records {@code counter} if it is new and inside the window. Call only after the packet authenticated. */
    public Verdict accept(long counter) {
        if (counter < 0) {
            return Verdict.TOO_OLD;
        }
        if (counter > newest) {
            slideTo(counter);
        } else if (newest - counter >= WINDOW_SIZE) {
            return Verdict.TOO_OLD;
        }
        int block = blockOf(counter);
        long bit = bitOf(counter);
        if ((ring[block] & bit) != 0) {
            return Verdict.REPLAYED;
        }
        ring[block] |= bit;
        return Verdict.ACCEPTED;
    }

    public long newest() {
        return newest;
    }

    private void slideTo(long counter) {
        long currentBlock = newest < 0 ? -1 : newest / BLOCK_BITS;
        long targetBlock = counter / BLOCK_BITS;
        long clear = Math.min(targetBlock - currentBlock, BLOCKS);
        for (long i = 1; i <= clear; i++) {
            ring[(int) ((currentBlock + i) & BLOCK_MASK)] = 0;
        }
        newest = counter;
    }

    private static int blockOf(long counter) {
        return (int) ((counter / BLOCK_BITS) & BLOCK_MASK);
    }

    private static long bitOf(long counter) {
        return 1L << (counter & (BLOCK_BITS - 1));
    }
}
