package dev.vswitch.protocol.ratelimit;

/**
 * A token bucket on a caller-supplied clock: {@code ratePerSecond} tokens a second, at most {@code burst}
 * saved up. Used for handshake rate limits and storm control; no allocation, not thread-safe.
 */
public final class TokenBucket {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long nanosPerToken;
    private final long capacityNanos;
    private long credit; // saved-up time, in nanoseconds of refill
    private long lastNanos;

    public TokenBucket(double ratePerSecond, int burst, long nowNanos) {
        if (ratePerSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("rate and burst must be positive");
        }
        this.nanosPerToken = Math.max(1, (long) (NANOS_PER_SECOND / ratePerSecond));
        this.capacityNanos = nanosPerToken * burst;
        this.credit = capacityNanos;
        this.lastNanos = nowNanos;
    }

    /** Takes one token if there is one. */
    public boolean tryTake(long nowNanos) {
        long elapsed = nowNanos - lastNanos;
        lastNanos = nowNanos;
        if (elapsed > 0) {
            credit = Math.min(capacityNanos, credit + elapsed);
        }
        if (credit >= nanosPerToken) {
            credit -= nanosPerToken;
            return true;
        }
        return false;
    }

    /** True when the bucket has been idle long enough to be full again: it can be forgotten. */
    public boolean isFull(long nowNanos) {
        return credit + (nowNanos - lastNanos) >= capacityNanos;
    }
}
