package dev.vswitch.vport.link;

import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * Whether the path to the switch carries large datagrams, for {@code --offload=auto}: the decision that keeps offload
 * from blackholing on a path that drops IP fragments (a cloud UDP load balancer, many NATs and firewalls).
 *
 * <ol>
 *   <li>After connecting, the link sends a path probe ({@link dev.vswitch.protocol.Keepalive#PROBE}) as large as the
 *       largest datagram either side sends with offload. Until the switch echoes one, offload messages are not used:
 *       the vport cuts TCP segments into path-MTU frames itself, and its keepalives say it takes none, so the switch
 *       cuts them for it too.</li>
 *   <li>The echo proves the path both ways: offload is used, and the next keepalive (sent at once) says so.</li>
 *   <li>While large datagrams (TCP segments of several MSS) go or come, a probe goes every {@link #IN_USE_PROBE_NANOS};
 *       one unanswered for {@link #ANSWER_TIMEOUT_NANOS} ends the proof, so a path that stops carrying fragments is left
 *       within 2 s. A keepalive says so at once, and the switch counts the fallback. While only small frames move, a
 *       probe every {@link #ACTIVE_PROBE_NANOS}: a TCP flow stalled by a path that broke while this host only received
 *       moves small frames only (retransmissions of one segment, duplicate ACKs), and is freed within 3.5 s. An idle
 *       link sends no probes.</li>
 *   <li>An unproven path is probed again after 1 s, then with the wait doubling up to {@link #MAX_RETRY_NANOS}, so a
 *       path that starts carrying them is found without costing a blocked path more than one probe a minute. After a
 *       fallback the wait keeps growing with each one, so a lossy path, where a probe of 45 fragments is lost now and
 *       then, does not flap between the two.</li>
 * </ol>
 *
 * <p>A probe is 64 KB each way: while large datagrams flow, 1.3 Mbit/s of a link that carries hundreds; while only small
 * frames move (an interactive session), 0.26 Mbit/s.
 *
 * With {@code --offload=on} the path is trusted without probes (a LAN the user knows); with {@code off} the TAP has no
 * offload and this is not used. The monitor thread calls {@link #probeDue} and {@link #probeSent}, the receiving thread
 * {@link #answered}, the forwarding threads {@link #usable} and {@link #used}: state changes are rare and synchronized,
 * the forwarding threads read volatiles only.
 */
public final class PathProof {

    private static final Logger LOG = Logger.getLogger(PathProof.class);

    /** How {@code --offload} treats the path. */
    public enum Mode {
        /** Offload messages only while probes prove the path carries them. */
        AUTO,
        /** Offload messages without probing: the user knows the path carries IP fragments. */
        ON,
        /** No offload: the TAP hands over path-MTU frames. */
        OFF;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What is known of the path, for {@code vport status}. */
    public enum Verdict {
        /** No probe answered yet (or since the switch changed). */
        UNPROVEN,
        /** The last probe was answered: large datagrams are in use. */
        PROVEN,
        /** Probes stopped being answered: the link keeps to path-MTU datagrams and probes now and then. */
        FELL_BACK,
        /** {@code --offload=on}: trusted without probes. */
        TRUSTED;

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    /** A snapshot for {@code vport status}. */
    public record Reading(Mode mode, Verdict verdict, long fallbacks, long probesSent, long probesAnswered) {
    }

    /** While large datagrams flow, a probe this often. */
    static final long IN_USE_PROBE_NANOS = 400_000_000L;
    /** While only small frames move, a probe this often. */
    static final long ACTIVE_PROBE_NANOS = 2_000_000_000L;
    /** A probe unanswered this long did not cross: with {@link #IN_USE_PROBE_NANOS}, a broken path is left within 2 s. */
    static final long ANSWER_TIMEOUT_NANOS = 1_500_000_000L;
    static final long FIRST_RETRY_NANOS = 1_000_000_000L;
    static final long MAX_RETRY_NANOS = 60_000_000_000L;

    private final Mode mode;
    private final String switchName;
    /** Read by the forwarding threads for every offload frame. */
    private volatile boolean proven;
    /** Set by the forwarding threads when a large datagram goes or comes; cleared by each probe. */
    private volatile boolean usedSinceProbe;
    /** The link's frame count (both ways) when the last probe went, and when {@link #probeDue} last looked. */
    private long framesAtProbe;
    private long framesSeen;
    private boolean outstanding;
    private long probeSentAt;
    private long nextProbeAt;
    private long retryNanos = FIRST_RETRY_NANOS;
    private boolean fellBack;
    private boolean warned;
    private long fallbacks;
    private long probesSent;
    private long probesAnswered;
    /** What the last keepalive told the switch: that this vport takes offload messages. */
    private volatile boolean offered;

    /**
     * @param switchName how log lines name the switch
     * @param now        the clock at start: the first probe is due at once
     */
    public PathProof(Mode mode, String switchName, long now) {
        this.mode = mode;
        this.switchName = switchName;
        this.nextProbeAt = now;
    }

    public Mode mode() {
        return mode;
    }

    /** Whether offload messages may go to the switch, and be asked of it, now; any thread. */
    public boolean usable() {
        return mode == Mode.ON || proven;
    }

    /** A large datagram (a TCP segment of several MSS) went to the switch or came from it; forwarding threads. */
    public void used() {
        if (!usedSinceProbe) {
            usedSinceProbe = true;
        }
    }

    /**
     * Whether a probe should go now; may end the proof first (then {@link #offerChanged} says to tell the switch).
     *
     * @param frames the frames the link has carried so far, both ways
     */
    public synchronized boolean probeDue(long now, long frames) {
        if (mode != Mode.AUTO) {
            return false;
        }
        framesSeen = frames;
        if (outstanding && now - probeSentAt >= ANSWER_TIMEOUT_NANOS) {
            outstanding = false;
            if (proven) {
                fallBack(now);
            } else {
                nextProbeAt = now + retryNanos;
                retryNanos = Math.min(2 * retryNanos, MAX_RETRY_NANOS);
            }
        }
        if (outstanding) {
            return false;
        }
        if (proven) {
            long since = now - probeSentAt;
            return usedSinceProbe ? since >= IN_USE_PROBE_NANOS : frames != framesAtProbe && since >= ACTIVE_PROBE_NANOS;
        }
        return now - nextProbeAt >= 0;
    }

    public synchronized void probeSent(long now) {
        outstanding = true;
        probeSentAt = now;
        usedSinceProbe = false;
        framesAtProbe = framesSeen;
        probesSent++;
    }

    /** The switch echoed a probe; the receiving thread. */
    public synchronized void answered() {
        probesAnswered++;
        outstanding = false;
        if (!fellBack) {
            retryNanos = FIRST_RETRY_NANOS;
        }
        if (proven || mode != Mode.AUTO) {
            return;
        }
        proven = true;
        if (fellBack) {
            LOG.infof("vport: the path to switch %s carries large datagrams again: offload resumed", switchName);
        } else {
            LOG.infof("vport: the path to switch %s carries large datagrams: offload in use", switchName);
        }
    }

    /** The link now talks to another switch (or the same one anew): what was proven is proven again. */
    public synchronized void restart(long now) {
        proven = false;
        outstanding = false;
        fellBack = false;
        retryNanos = FIRST_RETRY_NANOS;
        nextProbeAt = now;
    }

    /** For the keepalive about to go out: whether it offers offload messages, remembered for {@link #offerChanged}. */
    public boolean offer() {
        boolean offer = usable();
        offered = offer;
        return offer;
    }

    /** The switch was last told otherwise than {@link #usable} says now: a keepalive should tell it at once. */
    public boolean offerChanged() {
        return mode == Mode.AUTO && offered != proven;
    }

    public synchronized Reading reading() {
        Verdict verdict = mode == Mode.ON ? Verdict.TRUSTED
                : proven ? Verdict.PROVEN : fellBack ? Verdict.FELL_BACK : Verdict.UNPROVEN;
        return new Reading(mode, verdict, fallbacks, probesSent, probesAnswered);
    }

    private void fallBack(long now) {
        proven = false;
        fellBack = true;
        fallbacks++;
        nextProbeAt = now + retryNanos;
        retryNanos = Math.min(2 * retryNanos, MAX_RETRY_NANOS);
        if (!warned) {
            warned = true;
            LOG.warnf("vport: the path to switch %s stopped carrying large datagrams (IP fragments dropped on the way?):"
                    + " offload falls back to path-MTU datagrams, and probes the path again now and then."
                    + " Nothing to do; --offload=off avoids the probes", switchName);
        } else {
            LOG.infof("vport: the path to switch %s dropped large datagrams again: offload falls back to path-MTU datagrams",
                    switchName);
        }
    }
}
