package dev.vswitch.vport.secure;

import dev.vswitch.protocol.Keepalive;
import dev.vswitch.protocol.noise.NoiseException;
import dev.vswitch.protocol.rendezvous.Rendezvous;
import dev.vswitch.protocol.wire.HandshakeRefusal;
import dev.vswitch.protocol.wire.Session;
import dev.vswitch.protocol.wire.WireFormat;
import dev.vswitch.vport.VportException;
import dev.vswitch.vport.direct.DirectPaths;
import dev.vswitch.vport.direct.Introductions;
import dev.vswitch.vport.link.Endpoints;
import dev.vswitch.vport.link.FrameTrace;
import dev.vswitch.vport.link.LinkCounters;
import dev.vswitch.vport.link.LinkState;
import dev.vswitch.vport.link.LinkThreads;
import dev.vswitch.vport.link.PathProof;
import dev.vswitch.vport.link.StopSignal;
import dev.vswitch.vport.link.SwitchConnection;
import dev.vswitch.vport.tap.FrameDevice;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * A running vport in the secure protocol (docs/protocol.md): handshakes with the switch, then every frame
 * from the TAP sealed into a data message and every authentic data message opened onto the TAP.
 *
 * <p>Three threads, as in the plain format's {@link dev.vswitch.vport.plain.Vport}. The TAP-to-switch thread seals, the switch-to-TAP
 * thread opens and takes the switch's handshake answers, the monitor thread starts handshakes (at start,
 * for rekeying after {@link WireFormat#REKEY_AFTER_SECONDS}, and again when the switch has gone silent),
 * retries them every {@link WireFormat#REKEY_TIMEOUT_SECONDS} and sends keepalives. The session in use is
 * swapped with one volatile write; the one it replaces is kept for opening packets still in flight. Both
 * forwarding threads own their buffers, so forwarding a frame allocates nothing here.
 *
 * <p>With several switches (replicas of one switch, {@link Endpoints}) a handshake that goes unanswered for
 * {@link #FAILOVER_AFTER} moves the link on to the next one: when the switch in use dies, the unanswered keepalive
 * starts a handshake with it, and when that too goes unanswered the vport tries the next replica, and so on in turn
 * until one answers. While frames go out, a keepalive asks after {@link #PROBE_AFTER_NANOS} without an answer, so a
 * dead switch is left about 5 s after it died (1 + 2 + 2 s); on an idle link the keepalive interval comes first.
 *
 * <p>Only changes of state are logged: connected (to which switch), waiting for an answer, moving on to another
 * switch, or, until the first handshake completes, why the vport is not let in ({@link JoinTrouble}: nothing listening,
 * no answer, the switch's refusal and its reason, an answer that does not authenticate). None of them ends the vport:
 * it keeps trying until stopped, or with {@code --give-up-after} until that time has passed without a first handshake.
 *
 * <p>This class coordinates: its lifecycle and monitor timers. The forwarding threads ({@link LinkThreads}) run the
 * {@link DataPath}, which hands the switch's handshake messages back through {@link SwitchAnswers}; the sessions are a
 * {@link SessionPair}, the switch's liveness a {@link Liveness}, moves between switches a {@link Failover}, the state and
 * its lines {@link StateChanges}, and the switch is reached through a {@link SwitchConnection}.
 */
public final class SecureLink implements AutoCloseable, LinkState.Source {

    /** The one line for a switch whose answer did not authenticate. */
    public static final String HANDSHAKE_FAILED_LINE =
            "handshake failed: the switch's answer did not authenticate — the token's network key is not the switch's"
                    + " (a token from before the network's key changed?); get a new token from the switch";

    private static final Logger LOG = Logger.getLogger(SecureLink.class);

    /** The monitor's period: the resolution of keepalive, retry and rekey timers. */
    static final long TICK_MILLIS = 100;
    /**
     * A keepalive unanswered this long (nothing authentic heard since the first one went out) means the switch lost our
     * session (it restarted), died, or the path broke: handshake again at once rather than waiting for --dead-after,
     * keeping the old session meanwhile.
     */
    static final long KEEPALIVE_REPLY_TIMEOUT_NANOS = 2_000_000_000L;
    /**
     * Frames went out and nothing came back for this long: send a keepalive now rather than at the next interval, so
     * that a switch that died is noticed {@link #KEEPALIVE_REPLY_TIMEOUT_NANOS} later while the LAN is in use.
     */
    static final long PROBE_AFTER_NANOS = 1_000_000_000L;
    /** With several switches: how long a handshake may go unanswered before the next switch is tried. */
    static final Duration FAILOVER_AFTER = Duration.ofSeconds(2);
    private static final long NEVER = Long.MIN_VALUE;

    /**
     * What the secure link needs to know beyond its devices and keys.
     *
     * @param endpoints      the switch, or several replicas of it; the link is connected to the current one
     * @param handshakeRetry with one switch: how long to wait for a handshake response before starting over
     * @param failoverAfter  with several: how long to wait for a handshake response before trying the next switch
     * @param giveUpAfter    with no first handshake after this long, stop with the reason; zero: never give up
     * @param clock          monotonic nanoseconds for every timer (sessions, keepalives, liveness); tests
     *                       advance it to exercise rekeying without waiting minutes
     * @param offload        how a TAP with offload uses offload messages (--offload=auto or on); without, not used
     * @param tapName        the TAP's name: its addresses are inside the LAN, never an endpoint to tell the switch
     */
    public record Settings(Endpoints endpoints, String network, int tapMtu, Duration keepalive, Duration deadAfter,
            Duration handshakeRetry, Duration failoverAfter, Duration giveUpAfter, LongSupplier clock, PathProof.Mode offload,
            String tapName) {

        public Settings(Endpoints endpoints, String network, int tapMtu, Duration keepalive, Duration deadAfter,
                Duration giveUpAfter, PathProof.Mode offload, String tapName) {
            this(endpoints, network, tapMtu, keepalive, deadAfter, Duration.ofSeconds(WireFormat.REKEY_TIMEOUT_SECONDS),
                    FAILOVER_AFTER, giveUpAfter, System::nanoTime, offload, tapName);
        }
    }

    /** Where the link stands, as far as the user is told. */
    public enum State {
        /** Started; no handshake has completed yet. */
        CONNECTING,
        /** A session is established and the switch answers. */
        CONNECTED,
        /** No authentic answer for --dead-after: handshaking again every few seconds. */
        SILENT,
        /** The switch answers, but its answer does not authenticate: retrying, which helps only if the switch changes. */
        REJECTED,
        /** The switch refused the handshake and said why: retrying, which helps once its operator (or the token) changes. */
        REFUSED
    }

    private final SwitchConnection link;
    private final LinkCounters counters;
    private final Handshaker handshaker;
    private final StopSignal stopSignal;
    private final Endpoints endpoints;
    private final String network;
    private final StateChanges states;
    private final long deadAfterNanos;
    private final long retryNanos;
    private final long failoverNanos;
    private final long giveUpNanos;
    private final long startNanos;
    private final LongSupplier clock;
    private final SessionPair sessions = new SessionPair();
    private final Liveness liveness;
    /** Whether the path carries offload messages (--offload=auto), proven by the monitor's probes. */
    private final PathProof path;
    private final Failover failover;
    private final DataPath dataPath;
    private final LinkThreads threads;
    /** The monitor thread's own keepalive buffers. */
    private final ByteBuffer monitorFrame;
    private final ByteBuffer monitorOut;
    /** The monitor thread's probe buffers; null unless --offload=auto. */
    private final ByteBuffer probeFrame;
    private final ByteBuffer probeOut;
    /** The switch the path was last proven to: another one is proven anew. */
    private volatile InetSocketAddress provenTo;
    /** When the last handshake completed; {@link #NEVER} before the first. */
    private volatile long lastHandshakeNanos = NEVER;
    private final DrainWatch drains = new DrainWatch();
    private final DirectPaths direct;
    private final Introductions introductions;
    /** The "port unreachable" count when the last initiation went out: a higher one since says nothing listens. */
    private volatile long unreachableAtInitiation;

    /**
     * @param tapMac the TAP's actual MAC, the source of our keepalives
     * @param trace  per-frame trace for {@code -v}, or null
     */
    public SecureLink(FrameDevice tap, SwitchConnection link, LinkCounters counters, Settings settings, Handshaker handshaker,
            long tapMac, FrameTrace trace, StopSignal stopSignal) {
        this.link = link;
        this.counters = counters;
        this.handshaker = handshaker;
        this.stopSignal = stopSignal;
        this.endpoints = settings.endpoints();
        this.network = settings.network();
        this.states = new StateChanges(network, settings.deadAfter());
        this.deadAfterNanos = settings.deadAfter().toNanos();
        this.retryNanos = settings.handshakeRetry().toNanos();
        this.failoverNanos = settings.failoverAfter().toNanos();
        this.giveUpNanos = settings.giveUpAfter().toNanos();
        this.clock = settings.clock();
        this.startNanos = clock.getAsLong();
        this.liveness = new Liveness(settings.keepalive().toNanos(), clock.getAsLong());
        this.failover = new Failover(endpoints, link, handshaker);
        this.direct = new DirectPaths(handshaker.peerKeys(), tap, counters, clock);
        this.introductions = new Introductions(settings.tapName(), direct);
        PathProof.Mode offload = tap.offload() ? settings.offload() : PathProof.Mode.OFF;
        this.path = new PathProof(offload, endpoints.current().toString(), clock.getAsLong());
        this.dataPath = new DataPath(new Answers(), tap, link, counters, settings, sessions, liveness, path, tapMac, trace, direct);
        this.threads = new LinkThreads(tap, dataPath.tapReaders(), dataPath::newTapReader, dataPath::forwardSwitchToTap, stopSignal);
        this.monitorFrame = dataPath.newKeepaliveFrame();
        this.monitorOut = dataPath.newKeepaliveMessage();
        this.probeFrame = offload == PathProof.Mode.AUTO ? dataPath.newProbeFrame() : null;
        this.probeOut = offload == PathProof.Mode.AUTO ? dataPath.newProbeMessage() : null;
    }

    /** Sends the first initiation and starts forwarding. */
    public void start() {
        startForwarding();
        threads.monitor().scheduleWithFixedDelay(threads.guarded(this::tick), 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts the forwarding threads only: {@link #start} adds the monitor's ticks, every {@link #TICK_MILLIS}; tests
     * instead call {@link #tick} themselves as they move the clock, so the timers' seconds pass in no time.
     */
    void startForwarding() {
        threads.start();
        direct.start(threads::guarded);
    }

    /** Stops all threads and closes the link; the caller closes the TAP afterwards. */
    @Override
    public void close() throws InterruptedException {
        direct.close();
        threads.close(link);
    }

    public State state() {
        return states.state();
    }

    /** For {@code vport status}: taken by its own thread once a second. */
    @Override
    public LinkState linkState() {
        long now = clock.getAsLong();
        Session session = sessions.current();
        if (session != null && session.isExpired(now)) {
            session = null;
        }
        boolean heard = liveness.heardOnce();
        long heardAt = liveness.lastHeardNanos();
        Endpoints.Endpoint endpoint = endpoints.current();
        StateChanges.Snapshot seen = states.snapshot();
        // Moving on to another switch (or to a moved one): the session is the old switch's, which does not answer.
        boolean movingOn = !endpoint.equals(seen.connectedTo()) || failover.movedOn();
        boolean connected = heard && session != null && !movingOn && now - heardAt < deadAfterNanos;
        LinkState.Phase phase = switch (seen.state()) {
            case CONNECTING -> LinkState.Phase.CONNECTING;
            case CONNECTED -> connected ? LinkState.Phase.CONNECTED : LinkState.Phase.SILENT;
            case SILENT -> LinkState.Phase.SILENT;
            case REJECTED, REFUSED -> LinkState.Phase.REJECTED;
        };
        long handshake = lastHandshakeNanos;
        return new LinkState(connected, phase, link.remote(), heard ? Duration.ofNanos(now - heardAt) : null,
                session == null ? null : Duration.ofNanos(now - session.createdNanos()),
                handshake == NEVER ? null : Duration.ofNanos(now - handshake), dataPath.rttReading(), endpoint.target(),
                path.mode() == PathProof.Mode.OFF ? null : path.reading(), introductions.peers(now));
    }

    /** The session frames are sent with, or null before the first handshake. */
    Session currentSession() {
        return sessions.current();
    }

    // ---- monitor thread ----------------------------------------------------------------------------

    /** One step of the monitor: the timers' decisions at the clock's time now. Only ever run by one thread at a time. */
    void tick() {
        long now = clock.getAsLong();
        direct.tick(now, link.localAddress()); // direct paths live on while the switch is away
        Session session = sessions.retireExpired(now);
        liveness.noteSending(now, counters.framesToSwitch());
        if (giveUpNanos > 0 && lastHandshakeNanos == NEVER && now - startNanos >= giveUpNanos) {
            giveUp();
            return;
        }
        boolean dead = now - liveness.lastHeardNanos() >= deadAfterNanos;
        boolean several = endpoints.several();
        if (drains.newlyDraining(link.remote())) {
            moveOffDrainingSwitch(now, several);
            return;
        }
        if (dead && states.silent(endpoints, this::silence)) {
            if (!several) {
                failover.followAddressChange(); // with several, unanswered handshakes move on already
            }
            sendInitiation(now);
        } else if (handshaker.awaitingResponse()) {
            if (now - handshaker.lastInitiationNanos() >= (several ? failoverNanos : retryNanos)) {
                if (handshaker.answerFailed()) { // answers came, and none authenticated: not one forged in passing
                    states.rejected(State.REJECTED, JoinTrouble.wrongNetworkKey());
                } else if (!several && lastHandshakeNanos == NEVER) {
                    states.unanswered(this::silence);
                }
                if (several) {
                    failover.failOver();
                } else if (dead) {
                    failover.followAddressChange();
                }
                sendInitiation(now);
            }
        } else if (session == null || session.needsRekey(now) || liveness.keepaliveUnanswered(now)) {
            sendInitiation(now);
        }
        if (session == null) {
            return;
        }
        if (liveness.keepaliveDue(now) || path.offerChanged()) { // the switch learns at once what the path carries
            dataPath.sendKeepalive(session, now, monitorFrame, monitorOut);
        }
        if (path.probeDue(now, counters.framesToSwitch() + counters.framesFromSwitch())) {
            dataPath.sendProbe(session, now, probeFrame, probeOut);
        }
        introductions.reportIfDue(session, link::localAddress, now,
                endpoints -> dataPath.sendEndpoints(session, endpoints));
        introductions.reportPathsIfChanged(session, report -> dataPath.sendPaths(session, report));
    }

    private void sendInitiation(long now) {
        unreachableAtInitiation = counters.drops(LinkCounters.Drop.SWITCH_UNREACHABLE);
        link.send(ByteBuffer.wrap(handshaker.initiation(now)));
    }

    /** What the silence since the last initiation says: nothing listens (port unreachable), or no answer at all. */
    private JoinTrouble silence() {
        String at = endpoints.current().toString();
        return counters.drops(LinkCounters.Drop.SWITCH_UNREACHABLE) > unreachableAtInitiation
                ? JoinTrouble.nothingListening(at)
                : JoinTrouble.noAnswer(at);
    }

    /**
     * The switch in use is shutting down (its keepalive replies say so) but still forwards: with other replicas the
     * link moves to the next one now, so the move costs one handshake instead of a dead switch's seconds of silence.
     * With one switch there is nowhere to go; it is only said, and the link follows when the switch is gone.
     */
    private void moveOffDrainingSwitch(long now, boolean several) {
        if (several) {
            failover.failOver("is shutting down");
            sendInitiation(now);
        } else {
            LOG.infof("switch %s is shutting down; this vport will handshake again when it is gone", endpoints.current());
        }
    }

    /** --give-up-after passed without a first handshake: stops the vport with what is known of why. */
    private void giveUp() {
        JoinTrouble said = states.trouble();
        JoinTrouble why = said != null ? said : handshaker.answerFailed() ? JoinTrouble.wrongNetworkKey() : silence();
        stopSignal.fail(new VportException(why.exitCode(), "gave up after "
                + Duration.ofNanos(giveUpNanos).toSeconds() + " s (--give-up-after): " + why.line()));
    }

    // ---- the switch's handshake answers, on the switch-to-TAP thread -------------------------------

    /** What the data path hands on ({@link SwitchAnswers}): the switch's handshake answers and what it says of itself. */
    private final class Answers implements SwitchAnswers {

        @Override
        public void onResponse(byte[] response, ByteBuffer confirmFrame, ByteBuffer confirmMessage) {
            long now = clock.getAsLong();
            Session session;
            try {
                session = handshaker.onResponse(response, now);
            } catch (NoiseException e) {
                // Counted, not told yet: a forgery may come before the genuine answer, which still completes the handshake.
                // The retry timer says so when no answer authenticated (a wrong network key).
                counters.handshakeFailed();
                return;
            }
            if (session == null) {
                counters.drop(LinkCounters.Drop.UNKNOWN_SESSION);
                return;
            }
            sessions.install(session);
            liveness.heard(now);
            InetSocketAddress to = link.remote();
            if (!to.equals(provenTo)) {
                provenTo = to;
                path.restart(now);
            }
            lastHandshakeNanos = now;
            counters.handshakeCompleted();
            failover.handshakeCompleted();
            dataPath.sendKeepalive(session, now, confirmFrame, confirmMessage); // the switch waits for this proof before it sends
            states.connected(endpoints.current());
        }

        /** The switch refused our current initiation and said why: only ever told to the user (it is not authenticated). */
        @Override
        public void onRefusal(byte[] refusal) {
            HandshakeRefusal.Reason reason = HandshakeRefusal.reasonOf(refusal);
            if (reason == null || !handshaker.answersCurrent(refusal)) {
                counters.drop(reason == null ? LinkCounters.Drop.MALFORMED : LinkCounters.Drop.UNKNOWN_SESSION);
                return;
            }
            counters.handshakeFailed();
            states.rejected(State.REFUSED, JoinTrouble.refused(reason, endpoints.current().toString(), network,
                    handshaker.publicKey()));
        }

        @Override
        public void onCookieReply(byte[] reply) {
            byte[] again = handshaker.onCookieReply(reply, clock.getAsLong());
            if (again == null) {
                counters.drop(LinkCounters.Drop.UNKNOWN_SESSION);
                return;
            }
            counters.cookieReceived();
            link.send(ByteBuffer.wrap(again));
        }

        /**
         * What the switch in use says of itself in a keepalive reply: shutting down or not, introducing vports or not.
         * From the switch-to-TAP thread; the monitor's next tick acts on it.
         */
        @Override
        public void onSwitchFlags(byte flags) {
            drains.replied(link.remote(), (flags & Keepalive.FLAG_DRAINING) != 0);
            introductions.switchFlags(flags);
        }

        @Override
        public void onIntroduction(Rendezvous.PeerIntro peer) {
            if (!introductions.introduced(peer, clock.getAsLong())) {
                counters.drop(LinkCounters.Drop.MALFORMED);
            }
        }
    }
}
