package dev.vswitch.vport.link;

/**
 * The round-trip time to the switch, measured with keepalives: from sending a request to receiving the
 * switch's reply. Keepalives carry no sequence number, so a reply is matched to the newest request still
 * unanswered; a reply with none outstanding (a duplicate, or one for a request whose send failed) is not
 * measured. One request is outstanding at a time in practice: they go out seconds apart and are answered in
 * a fraction of a millisecond on a LAN.
 *
 * <p>The average is smoothed as TCP smooths its RTT (RFC 6298): each new sample moves it by 1/8 of the
 * difference, so a single slow reply does not dominate it. Called by the monitor thread (requests) and the
 * receiving thread (replies), a few times a minute: a lock is cheap enough.
 */
public final class RttMeter {

    /** The weight of a new sample in the smoothed average (RFC 6298's alpha). */
    static final double SMOOTHING = 1.0 / 8;

    private static final long NONE = Long.MIN_VALUE;
    private static final double NANOS_PER_MILLI = 1_000_000.0;

    private long outstandingNanos = NONE;
    private long lastNanos = NONE;
    private double smoothedNanos;
    private long samples;

    /**
     * The newest measurement.
     *
     * @param lastMillis     the latest sample, NaN before the first
     * @param smoothedMillis the smoothed average, NaN before the first sample
     * @param samples        how many replies were measured
     */
    public record Reading(double lastMillis, double smoothedMillis, long samples) {

        public boolean measured() {
            return samples > 0;
        }
    }

    /** A keepalive request is about to be sent at {@code nowNanos}: call before sending, so a fast reply cannot overtake it. */
    public synchronized void requestSent(long nowNanos) {
        outstandingNanos = nowNanos;
    }

    /** The request noted last was not sent after all: no reply can come for it. */
    public synchronized void requestFailed() {
        outstandingNanos = NONE;
    }

    /** A keepalive reply arrived at {@code nowNanos}. */
    public synchronized void replyReceived(long nowNanos) {
        if (outstandingNanos == NONE) {
            return;
        }
        long sample = nowNanos - outstandingNanos;
        outstandingNanos = NONE;
        if (sample < 0) {
            return;
        }
        lastNanos = sample;
        smoothedNanos = samples == 0 ? sample : smoothedNanos + SMOOTHING * (sample - smoothedNanos);
        samples++;
    }

    public synchronized Reading reading() {
        if (samples == 0) {
            return new Reading(Double.NaN, Double.NaN, 0);
        }
        return new Reading(lastNanos / NANOS_PER_MILLI, smoothedNanos / NANOS_PER_MILLI, samples);
    }
}
