package dev.vswitch.vport.secure;

import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.Keepalive;
import dev.vswitch.protocol.noise.NoiseException;
import dev.vswitch.protocol.wire.Session;
import dev.vswitch.protocol.wire.WireFormat;
import dev.vswitch.vport.ExitCode;
import dev.vswitch.vport.VportException;
import dev.vswitch.vport.link.FrameTrace;
import dev.vswitch.vport.link.LinkCounters;
import dev.vswitch.vport.link.LinkState;
import dev.vswitch.vport.link.LinkThreads;
import dev.vswitch.vport.link.RttMeter;
import dev.vswitch.vport.link.StopSignal;
import dev.vswitch.vport.link.SwitchLink;
import dev.vswitch.vport.link.Vport;
import dev.vswitch.vport.tap.FrameDevice;
import dev.vswitch.vport.values.HostPort;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * A running vport in the secure protocol (docs/protocol.md): handshakes with the switch, then every frame
 * from the TAP sealed into a data message and every authentic data message opened onto the TAP.
 *
 * <p>Three threads, as in the plain {@link Vport}. The TAP-to-switch thread seals, the switch-to-TAP
 * thread opens and takes the switch's handshake answers, the monitor thread starts handshakes (at start,
 * for rekeying after {@link WireFormat#REKEY_AFTER_SECONDS}, and again when the switch has gone silent),
 * retries them every {@link WireFormat#REKEY_TIMEOUT_SECONDS} and sends keepalives. The session in use is
 * swapped with one volatile write; the one it replaces is kept for opening packets still in flight. Both
 * forwarding threads own their buffers, so forwarding a frame allocates nothing here.
 *
 * <p>Only changes of state are logged: connected, waiting for an answer, or answers that do not
 * authenticate (a token with another network key than the switch's). None of them ends the vport: it
 * keeps trying until stopped.
 */
public final class SecureLink implements AutoCloseable, LinkState.Source {

    /** The one line for a switch whose answer did not authenticate. */
    public static final String HANDSHAKE_FAILED_LINE =
            "handshake failed: the switch's answer did not authenticate — wrong network key or switch key in the token";

    private static final Logger LOG = Logger.getLogger(SecureLink.class);

    /** How long a TAP read waits before it looks at the stop flag again. */
    static final int TAP_POLL_MILLIS = 250;
    /** The monitor's period: the resolution of keepalive, retry and rekey timers. */
    static final long TICK_MILLIS = 100;
    /**
     * A keepalive unanswered this long (past the keepalive interval) means the switch lost our session (it restarted) or the path broke:
     * handshake again at once rather than waiting for --dead-after, keeping the old session meanwhile.
     */
    static final long KEEPALIVE_REPLY_TIMEOUT_NANOS = 2_000_000_000L;
    /** Larger than any frame or UDP payload, so nothing is silently truncated. */
    private static final int BUFFER_BYTES = 65_536;
    private static final long NEVER = Long.MIN_VALUE;

    /**
     * What the secure link needs to know beyond its devices and keys.
     *
     * @param handshakeRetry how long to wait for a handshake response before starting over
     * @param clock          monotonic nanoseconds for every timer (sessions, keepalives, liveness); tests
     *                       advance it to exercise rekeying without waiting minutes
     */
    public record Settings(HostPort target, String network, int tapMtu, Duration keepalive, Duration deadAfter,
            Duration handshakeRetry, LongSupplier clock) {

        public Settings(HostPort target, String network, int tapMtu, Duration keepalive, Duration deadAfter) {
            this(target, network, tapMtu, keepalive, deadAfter, Duration.ofSeconds(WireFormat.REKEY_TIMEOUT_SECONDS), System::nanoTime);
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
        REJECTED
    }

    private final FrameDevice tap;
    private final SwitchLink link;
    private final LinkCounters counters;
    private final Handshaker handshaker;
    private final FrameTrace trace;
    private final StopSignal stopSignal;
    private final long tapMac;
    private final HostPort target;
    private final String network;
    private final int maxFrameLength;
    private final long keepaliveNanos;
    private final long deadAfterNanos;
    private final long retryNanos;
    private final LongSupplier clock;
    private final Object sealLock = new Object();
    private final Object sessionLock = new Object();
    private final Object stateLock = new Object();
    private final LinkThreads threads = new LinkThreads(this::forwardTapToSwitch, this::forwardSwitchToTap);
    /** The monitor thread's own keepalive buffers. */
    private final ByteBuffer monitorFrame = ByteBuffer.allocateDirect(Keepalive.LENGTH);
    private final ByteBuffer monitorOut = ByteBuffer.allocateDirect(Keepalive.LENGTH + WireFormat.DATA_OVERHEAD);
    /** The session frames are sealed with; written under {@link #sessionLock}. */
    private volatile Session current;
    /** The session before the current one, still opened for packets in flight; written under {@link #sessionLock}. */
    private volatile Session previous;
    /** When an authentic message last came from the switch (at start: when the link started, for the silence timer). */
    private volatile long lastHeardNanos;
    /** True once an authentic message came from the switch, so {@link #lastHeardNanos} means something to a user. */
    private volatile boolean heardOnce;
    /** When the last handshake completed; {@link #NEVER} before the first. */
    private volatile long lastHandshakeNanos = NEVER;
    private final RttMeter rtt = new RttMeter();
    private volatile long lastKeepaliveNanos;
    private State state = State.CONNECTING;

    /**
     * @param tapMac the TAP's actual MAC, the source of our keepalives
     * @param trace  per-frame trace for {@code -v}, or null
     */
    public SecureLink(FrameDevice tap, SwitchLink link, LinkCounters counters, Settings settings, Handshaker handshaker,
            long tapMac, FrameTrace trace, StopSignal stopSignal) {
        this.tap = tap;
        this.link = link;
        this.counters = counters;
        this.handshaker = handshaker;
        this.trace = trace;
        this.stopSignal = stopSignal;
        this.tapMac = tapMac;
        this.target = settings.target();
        this.network = settings.network();
        this.maxFrameLength = Vport.maxFrameLength(settings.tapMtu());
        this.keepaliveNanos = settings.keepalive().toNanos();
        this.deadAfterNanos = settings.deadAfter().toNanos();
        this.retryNanos = settings.handshakeRetry().toNanos();
        this.clock = settings.clock();
        long now = clock.getAsLong();
        this.lastHeardNanos = now;
        this.lastKeepaliveNanos = now;
    }

    /** Sends the first initiation and starts forwarding. */
    public void start() {
        threads.start();
        threads.monitor().scheduleWithFixedDelay(this::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Stops all threads and closes the link; the caller closes the TAP afterwards. */
    @Override
    public void close() throws InterruptedException {
        threads.close(link);
    }

    public State state() {
        synchronized (stateLock) {
            return state;
        }
    }

    /** For {@code vport status}: taken by its own thread once a second. */
    @Override
    public LinkState linkState() {
        long now = clock.getAsLong();
        Session session = current;
        if (session != null && session.isExpired(now)) {
            session = null;
        }
        boolean heard = heardOnce;
        long heardAt = lastHeardNanos;
        boolean connected = heard && session != null && now - heardAt < deadAfterNanos;
        LinkState.Phase phase = switch (state()) {
            case CONNECTING -> LinkState.Phase.CONNECTING;
            case CONNECTED -> connected ? LinkState.Phase.CONNECTED : LinkState.Phase.SILENT;
            case SILENT -> LinkState.Phase.SILENT;
            case REJECTED -> LinkState.Phase.REJECTED;
        };
        long handshake = lastHandshakeNanos;
        return new LinkState(connected, phase, link.remote(), heard ? Duration.ofNanos(now - heardAt) : null,
                session == null ? null : Duration.ofNanos(now - session.createdNanos()),
                handshake == NEVER ? null : Duration.ofNanos(now - handshake), rtt.reading());
    }

    /** The session frames are sent with, or null before the first handshake. */
    Session currentSession() {
        return current;
    }

    // ---- monitor thread ----------------------------------------------------------------------------

    private void tick() {
        try {
            long now = clock.getAsLong();
            Session session = retireExpired(now);
            boolean dead = now - lastHeardNanos >= deadAfterNanos;
            if (dead && enterSilent()) {
                followAddressChange();
                sendInitiation(now);
            } else if (handshaker.awaitingResponse()) {
                if (now - handshaker.lastInitiationNanos() >= retryNanos) {
                    if (dead) {
                        followAddressChange();
                    }
                    sendInitiation(now);
                }
            } else if (session == null || session.needsRekey(now) || keepaliveUnanswered(now)) {
                sendInitiation(now);
            }
            if (session != null && now - lastKeepaliveNanos >= keepaliveNanos) {
                sendKeepalive(session, now, monitorFrame, monitorOut);
            }
        } catch (RuntimeException e) {
            stopOnFailure(e);
        }
    }

    /** A keepalive is outstanding and nothing came back for a keepalive interval plus the reply timeout. */
    private boolean keepaliveUnanswered(long now) {
        long heardAt = lastHeardNanos;
        return lastKeepaliveNanos - heardAt > 0 && now - heardAt >= keepaliveNanos + KEEPALIVE_REPLY_TIMEOUT_NANOS;
    }

    /** Forgets sessions older than {@link WireFormat#REJECT_AFTER_SECONDS}; returns the current one, if still usable. */
    private Session retireExpired(long now) {
        synchronized (sessionLock) {
            if (previous != null && previous.isExpired(now)) {
                previous = null;
            }
            if (current != null && current.isExpired(now)) {
                current = null;
            }
            return current;
        }
    }

    private void sendInitiation(long now) {
        link.send(ByteBuffer.wrap(handshaker.initiation(now)));
    }

    private void followAddressChange() {
        link.followAddressChange(target);
    }

    // ---- TAP to switch -----------------------------------------------------------------------------

    private void forwardTapToSwitch() {
        ByteBuffer frame = ByteBuffer.allocateDirect(BUFFER_BYTES);
        ByteBuffer message = ByteBuffer.allocateDirect(BUFFER_BYTES + WireFormat.DATA_OVERHEAD);
        try {
            while (threads.isRunning()) {
                int length = tap.read(frame, TAP_POLL_MILLIS);
                if (length == 0) {
                    continue;
                }
                if (length > maxFrameLength) {
                    counters.drop(LinkCounters.Drop.OVERSIZE);
                    continue;
                }
                Session session = current;
                if (session == null || session.isExpired(clock.getAsLong())) {
                    counters.drop(LinkCounters.Drop.NO_SESSION);
                    continue;
                }
                if (trace != null) {
                    trace.frame("tap->switch", frame, length);
                }
                seal(session, frame, message);
                if (link.send(message)) {
                    counters.sentToSwitch(length);
                }
            }
        } catch (RuntimeException e) {
            stopOnFailure(e);
        }
    }

    /** Seals the frame's remaining bytes into {@code message}, left flipped for sending. */
    private void seal(Session session, ByteBuffer frame, ByteBuffer message) {
        message.clear();
        synchronized (sealLock) { // the monitor and receiving threads seal keepalives with the same session
            session.seal(frame, message);
        }
        message.flip();
    }

    private void sendKeepalive(Session session, long now, ByteBuffer frame, ByteBuffer message) {
        Keepalive.writeRequest(frame, tapMac);
        seal(session, frame, message);
        lastKeepaliveNanos = now;
        rtt.requestSent(clock.getAsLong());
        if (link.send(message)) {
            counters.keepaliveSent();
        } else {
            rtt.requestFailed();
        }
    }

    // ---- switch to TAP -----------------------------------------------------------------------------

    private void forwardSwitchToTap() {
        ByteBuffer datagram = ByteBuffer.allocateDirect(BUFFER_BYTES);
        ByteBuffer plain = ByteBuffer.allocateDirect(BUFFER_BYTES);
        ByteBuffer confirmFrame = ByteBuffer.allocateDirect(Keepalive.LENGTH);
        ByteBuffer confirmMessage = ByteBuffer.allocateDirect(Keepalive.LENGTH + WireFormat.DATA_OVERHEAD);
        try {
            int length;
            while ((length = link.receive(datagram)) >= 0) {
                datagram.flip();
                switch (WireFormat.typeOf(datagram, 0, length)) {
                    case WireFormat.TYPE_DATA -> onData(datagram, plain);
                    case WireFormat.TYPE_RESPONSE -> onResponse(bytesOf(datagram), confirmFrame, confirmMessage);
                    case WireFormat.TYPE_COOKIE_REPLY -> onCookieReply(bytesOf(datagram));
                    default -> counters.drop(LinkCounters.Drop.MALFORMED);
                }
            }
        } catch (RuntimeException e) {
            stopOnFailure(e);
        }
    }

    private void onData(ByteBuffer message, ByteBuffer plain) {
        int index = Session.receiverIndexOf(message);
        Session session = current;
        if (session == null || session.localIndex() != index) {
            session = previous;
            if (session == null || session.localIndex() != index) {
                counters.drop(LinkCounters.Drop.UNKNOWN_SESSION);
                return;
            }
        }
        long now = clock.getAsLong();
        if (session.isExpired(now)) {
            counters.drop(LinkCounters.Drop.UNKNOWN_SESSION);
            return;
        }
        plain.clear();
        Session.Verdict verdict = session.open(message, plain);
        if (verdict != Session.Verdict.OK) {
            counters.drop(switch (verdict) {
                case REPLAYED -> LinkCounters.Drop.REPLAYED;
                case TOO_OLD -> LinkCounters.Drop.TOO_OLD;
                default -> LinkCounters.Drop.FORGED;
            });
            return;
        }
        lastHeardNanos = now;
        if (!heardOnce) {
            heardOnce = true;
        }
        plain.flip();
        int length = plain.remaining();
        if (length == 0) {
            return; // an empty message is a sign of life, nothing more
        }
        byte keepalive = Keepalive.kind(plain, 0, length);
        if (keepalive != 0) {
            if (keepalive == Keepalive.REPLY) {
                rtt.replyReceived(clock.getAsLong());
                counters.keepaliveReceived();
            }
            return;
        }
        if (length < EthernetFrame.HEADER_LENGTH) {
            counters.drop(LinkCounters.Drop.RUNT);
            return;
        }
        if (trace != null) {
            trace.frame("switch->tap", plain, length);
        }
        if (tap.write(plain)) {
            counters.deliveredFromSwitch(length);
        } else {
            counters.drop(LinkCounters.Drop.TAP_WRITE_FAILED);
        }
    }

    private void onResponse(byte[] response, ByteBuffer confirmFrame, ByteBuffer confirmMessage) {
        long now = clock.getAsLong();
        Session session;
        try {
            session = handshaker.onResponse(response, now);
        } catch (NoiseException e) {
            counters.handshakeFailed();
            enterRejected();
            return;
        }
        if (session == null) {
            counters.drop(LinkCounters.Drop.UNKNOWN_SESSION);
            return;
        }
        synchronized (sessionLock) {
            if (current != null) {
                previous = current;
            }
            current = session;
        }
        lastHeardNanos = now;
        heardOnce = true;
        lastHandshakeNanos = now;
        counters.handshakeCompleted();
        sendKeepalive(session, now, confirmFrame, confirmMessage); // the switch waits for this proof before it sends
        enterConnected();
    }

    private void onCookieReply(byte[] reply) {
        byte[] again = handshaker.onCookieReply(reply, clock.getAsLong());
        if (again == null) {
            counters.drop(LinkCounters.Drop.UNKNOWN_SESSION);
            return;
        }
        counters.cookieReceived();
        link.send(ByteBuffer.wrap(again));
    }

    /** Handshake messages are rare: copying them out of the buffer costs nothing that matters. */
    private static byte[] bytesOf(ByteBuffer datagram) {
        byte[] bytes = new byte[datagram.remaining()];
        datagram.get(datagram.position(), bytes);
        return bytes;
    }

    // ---- state changes, each logged once -----------------------------------------------------------

    private void enterConnected() {
        synchronized (stateLock) {
            if (state != State.CONNECTED) {
                state = State.CONNECTED;
                LOG.infof("connected to %s (network %s)", target, network);
            }
        }
    }

    private void enterRejected() {
        synchronized (stateLock) {
            if (state != State.REJECTED) {
                state = State.REJECTED;
                LOG.warn(HANDSHAKE_FAILED_LINE);
            }
        }
    }

    /** True when the link just went silent (and says so); false when it was silent or rejected already. */
    private boolean enterSilent() {
        synchronized (stateLock) {
            if (state == State.SILENT || state == State.REJECTED) {
                return false;
            }
            state = State.SILENT;
            LOG.warnf("waiting for handshake response from %s (no answer for %d s)", target,
                    Duration.ofNanos(deadAfterNanos).toSeconds());
            return true;
        }
    }

    private void stopOnFailure(RuntimeException e) {
        if (threads.isRunning()) {
            stopSignal.fail(e instanceof VportException known ? known
                    : new VportException(ExitCode.RUNTIME_ERROR, Thread.currentThread().getName() + " failed: " + e));
        }
    }
}
