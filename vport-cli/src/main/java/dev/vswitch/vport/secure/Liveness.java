package dev.vswitch.vport.secure;

/**
 * What a {@link SecureLink} knows of the switch's liveness: when an authentic message last came from it, and when
 * keepalives last asked after it. The switch-to-TAP thread notes what it hears; keepalives go out from the monitor
 * thread, and from the switch-to-TAP thread to confirm a handshake; the monitor thread reads the timers.
 */
final class Liveness {

    private final long keepaliveNanos;
    /** When an authentic message last came from the switch (at start: when the link started, for the silence timer). */
    private volatile long lastHeardNanos;
    /** True once an authentic message came from the switch, so {@link #lastHeardNanos} means something to a user. */
    private volatile boolean heardOnce;
    private volatile long lastKeepaliveNanos;
    /** When the first keepalive since the switch was last heard went out: the reply timeout counts from there. */
    private volatile long firstUnansweredKeepaliveNanos;
    /** Monitor thread only: frames sent to the switch as last counted, and when the count first grew since last heard. */
    private long framesSentSeen;
    private long sendingSinceNanos;

    /** @param now when the link started: the silence and keepalive timers count from there */
    Liveness(long keepaliveNanos, long now) {
        this.keepaliveNanos = keepaliveNanos;
        this.lastHeardNanos = now;
        this.lastKeepaliveNanos = now;
        this.sendingSinceNanos = now;
    }

    /** An authentic message came from the switch. */
    void heard(long now) {
        lastHeardNanos = now;
        if (!heardOnce) {
            heardOnce = true;
        }
    }

    long lastHeardNanos() {
        return lastHeardNanos;
    }

    boolean heardOnce() {
        return heardOnce;
    }

    /** A keepalive is sealed and about to go out. */
    void keepaliveSent(long now) {
        if (lastKeepaliveNanos - lastHeardNanos <= 0) {
            firstUnansweredKeepaliveNanos = now;
        }
        lastKeepaliveNanos = now;
    }

    /** The keepalive interval has passed since the last one, or a probe is due. */
    boolean keepaliveDue(long now) {
        return now - lastKeepaliveNanos >= keepaliveNanos || probeDue(now);
    }

    /** A keepalive sent after the last authentic message has gone unanswered for the reply timeout. */
    boolean keepaliveUnanswered(long now) {
        return lastKeepaliveNanos - lastHeardNanos > 0
                && now - firstUnansweredKeepaliveNanos >= SecureLink.KEEPALIVE_REPLY_TIMEOUT_NANOS;
    }

    /**
     * Notes when frames started going out since the switch was last heard (to the resolution of a tick).
     *
     * @param sent the frames sent to the switch so far
     */
    void noteSending(long now, long sent) {
        if (sent != framesSentSeen) {
            framesSentSeen = sent;
            if (sendingSinceNanos - lastHeardNanos <= 0) {
                sendingSinceNanos = now;
            }
        }
    }

    /**
     * Frames have been going out for {@link SecureLink#PROBE_AFTER_NANOS} with nothing heard since they started, and no
     * keepalive asks yet: one now tells a quiet peer from a dead switch without waiting for the keepalive interval.
     */
    private boolean probeDue(long now) {
        long heardAt = lastHeardNanos;
        return sendingSinceNanos - heardAt > 0 && lastKeepaliveNanos - heardAt <= 0
                && now - sendingSinceNanos >= SecureLink.PROBE_AFTER_NANOS;
    }
}
