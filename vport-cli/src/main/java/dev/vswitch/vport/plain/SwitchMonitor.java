package dev.vswitch.vport.plain;

import dev.vswitch.protocol.Keepalive;
import dev.vswitch.protocol.Mtu;
import dev.vswitch.vport.link.LinkCounters;
import dev.vswitch.vport.link.LinkState;
import dev.vswitch.vport.link.PathProof;
import dev.vswitch.vport.link.RttMeter;
import dev.vswitch.vport.link.SwitchLink;
import dev.vswitch.vport.values.HostPort;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * Keeps the link alive and notices when the switch goes silent. It sends a keepalive request at start and
 * then at a fixed interval, so that the switch (and NAT on the way) keeps our port; any datagram from the
 * switch counts as a sign of life. After {@code deadAfter} of silence it logs once, and re-resolves the
 * switch's name every {@code deadAfter} until it hears something: a switch that moved (dynamic DNS, a new
 * tunnel address) is followed without restarting the vport. Only changes of state are logged.
 *
 * <p>The seed's {@code vswitch.py} never answers keepalives, so against it the vport reports the switch as
 * silent whenever no other vport is sending; forwarding is not affected.
 *
 * <p>With {@code --offload} the requests say that this vport takes offload frames while the path carries them
 * ({@link PathProof}: {@code auto} probes it, {@code on} trusts it), and the switch's replies say whether it does
 * ({@link #switchTakesOffload}). What a switch said is forgotten when it goes silent or its name points elsewhere: it
 * may be another switch then, which says again with its next reply, and whose path is proven anew. The seed's switch
 * echoes no probe, so against it offload frames never go.
 */
final class SwitchMonitor {

    private static final Logger LOG = Logger.getLogger(SwitchMonitor.class);

    private enum State { STARTING, ANSWERING, SILENT }

    private static final long NEVER = Long.MIN_VALUE;

    private final HostPort target;
    private final SwitchLink link;
    private final LinkCounters counters;
    private final long tapMac;
    private final long deadAfterNanos;
    private final PathProof path;
    private final ByteBuffer keepalive = ByteBuffer.allocateDirect(Keepalive.LENGTH);
    /** The probe, made on first use: only with --offload=auto. */
    private ByteBuffer probe;
    /** {@link System#nanoTime} except in tests, which move time on without waiting for it. */
    private final LongSupplier nanoClock;
    private final long startNanos;
    private final RttMeter rtt = new RttMeter();
    /** {@link #NEVER} until the first datagram arrives. */
    private volatile long lastHeardNanos = NEVER;
    /** Written by the receiving thread for each reply and by the monitor thread; read by the TAP-to-switch thread. */
    private volatile boolean switchTakesOffload;
    private State state = State.STARTING;
    private long lastResolveNanos;

    /** @param offload how the requests offer offload frames (--offload; {@code OFF} without) */
    SwitchMonitor(HostPort target, SwitchLink link, LinkCounters counters, long tapMac, Duration deadAfter, PathProof.Mode offload) {
        this(target, link, counters, tapMac, deadAfter, offload, System::nanoTime);
    }

    SwitchMonitor(HostPort target, SwitchLink link, LinkCounters counters, long tapMac, Duration deadAfter,
            PathProof.Mode offload, LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
        this.target = target;
        this.link = link;
        this.counters = counters;
        this.tapMac = tapMac;
        this.deadAfterNanos = deadAfter.toNanos();
        this.path = new PathProof(offload, target.toString(), startNanos);
    }

    /** Whether the path carries offload frames; the forwarding threads ask it. */
    PathProof path() {
        return path;
    }

    /** Called by the receiving thread for every datagram: one volatile write, no allocation. */
    void heard() {
        lastHeardNanos = nanoClock.getAsLong();
    }

    /**
     * Called by the receiving thread for a keepalive reply, after {@link #heard}: it completes an RTT sample.
     *
     * @param offload whether it was a {@link Keepalive#REPLY_OFFLOAD}: the switch takes offload frames from this vport
     */
    void keepaliveReplied(boolean offload) {
        rtt.replyReceived(nanoClock.getAsLong());
        switchTakesOffload = offload;
    }

    /** Whether the switch's last reply said that it takes offload frames; any thread. */
    boolean switchTakesOffload() {
        return switchTakesOffload;
    }

    /** Called by the receiving thread for a probe's echo: the path carries large datagrams. */
    void probeAnswered() {
        path.answered();
    }

    /** Runs on the monitor thread only. */
    void sendKeepalive() {
        Keepalive.writeRequest(keepalive, tapMac, path.offer());
        rtt.requestSent(nanoClock.getAsLong());
        if (link.send(keepalive)) {
            counters.keepaliveSent();
        } else {
            rtt.requestFailed();
        }
    }

    /**
     * Runs on the monitor thread only, every tick: tells the switch at once when the path's verdict changed, and sends
     * the probes that prove it (a datagram as large as the largest offload frame).
     *
     * @param frames the frames the link has carried so far, both ways
     */
    void provePath(long frames) {
        long now = nanoClock.getAsLong();
        if (path.offerChanged()) {
            sendKeepalive();
        }
        if (path.probeDue(now, frames)) {
            if (probe == null) {
                probe = ByteBuffer.allocateDirect(Mtu.MAX_DATAGRAM);
            }
            Keepalive.writeProbe(probe, tapMac, Mtu.MAX_DATAGRAM);
            path.probeSent(now);
            link.send(probe);
        }
    }

    /** For {@code vport status}; any thread. Connected means some datagram came from the switch within --dead-after. */
    LinkState linkState() {
        long now = nanoClock.getAsLong();
        long heard = lastHeardNanos;
        boolean connected = heard != NEVER && now - heard < deadAfterNanos;
        LinkState.Phase phase = connected ? LinkState.Phase.CONNECTED
                : heard == NEVER && now - startNanos < deadAfterNanos ? LinkState.Phase.CONNECTING : LinkState.Phase.SILENT;
        return new LinkState(connected, phase, link.remote(), heard == NEVER ? null : Duration.ofNanos(now - heard), null, null,
                rtt.reading(), null, path.mode() == PathProof.Mode.OFF ? null : path.reading());
    }

    /** Runs on the monitor thread only, about once a second. */
    void check() {
        long now = nanoClock.getAsLong();
        long heard = lastHeardNanos;
        if (now - (heard == NEVER ? startNanos : heard) < deadAfterNanos) {
            if (heard != NEVER && state != State.ANSWERING) {
                LOG.infof("switch %s is %s", describeSwitch(), state == State.SILENT ? "answering again" : "answering");
                state = State.ANSWERING;
            }
            return;
        }
        boolean literal = target.isLiteral();
        if (state != State.SILENT) {
            state = State.SILENT;
            switchTakesOffload = false;
            path.restart(now);
            lastResolveNanos = now - deadAfterNanos;
            LOG.warnf("waiting for switch %s: no reply for %d s%s", target, Duration.ofNanos(deadAfterNanos).toSeconds(),
                    literal ? "" : "; re-resolving " + target.host());
        }
        if (!literal && now - lastResolveNanos >= deadAfterNanos) {
            lastResolveNanos = now;
            followAddressChange();
        }
    }

    private void followAddressChange() {
        if (link.followAddressChange(target)) {
            switchTakesOffload = false;
            path.restart(nanoClock.getAsLong());
            sendKeepalive();
        }
    }

    private String describeSwitch() {
        return target.isLiteral() ? target.toString()
                : target + " (" + link.remote().getAddress().getHostAddress() + ")";
    }
}
