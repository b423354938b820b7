package dev.vswitch.protocol.wire;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;

/**
 * The initiation's timestamp (TAI64N-like: 8 bytes of seconds, 4 of nanoseconds, big-endian). The
 * responder accepts an initiation from a key only if its timestamp is newer than the last one it
 * accepted, so a captured initiation cannot be replayed to reset a session.
 */
public final class Timestamp {

    private Timestamp() {
    }

    public static byte[] encode(Instant when) {
        return ByteBuffer.allocate(WireFormat.TIMESTAMP_LENGTH).putLong(when.getEpochSecond()).putInt(when.getNano()).array();
    }

    /** True when {@code candidate} is strictly later than {@code previous} (null: nothing seen yet). */
    public static boolean isNewer(byte[] candidate, byte[] previous) {
        return previous == null || Arrays.compareUnsigned(candidate, previous) > 0;
    }
}
