package dev.vswitch.vport.secure;

import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.Keepalive;
import dev.vswitch.protocol.noise.NoiseException;
import dev.vswitch.protocol.offload.VirtioNetHeader;
import dev.vswitch.protocol.wire.Session;
import dev.vswitch.protocol.wire.WireFormat;
import dev.vswitch.vport.ExitCode;
import dev.vswitch.vport.VportException;
import dev.vswitch.vport.link.Endpoints;
import dev.vswitch.vport.link.FrameTrace;
import dev.vswitch.vport.link.LinkCounters;
import dev.vswitch.vport.link.LinkState;
import dev.vswitch.vport.link.LinkThreads;
import dev.vswitch.vport.link.RttMeter;
import dev.vswitch.vport.link.StopSignal;
import dev.vswitch.vport.link.SwitchLink;
import dev.vswitch.vport.link.Vport;
import dev.vswitch.vport.tap.FrameDevice;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * <p>With several switches (replicas of one switch, {@link Endpoints}) a handshake that goes unanswered for
 * {@link #FAILOVER_AFTER} moves the link on to the next one: when the switch in use dies, the unanswered keepalive
 * starts a handshake with it, and when that too goes unanswered the vport tries the next replica, and so on in turn
 * until one answers. While frames go out, a keepalive asks after {@link #PROBE_AFTER_NANOS} without an answer, so a
 * dead switch is left about 5 s after it died (1 + 2 + 2 s); on an idle link the keepalive interval comes first.
 *
 * <p>Only changes of state are logged: connected (to which switch), waiting for an answer, moving on to another
 * switch, or answers that do not authenticate (a token with another network key than the switch's). None of them
 * ends the vport: it keeps trying until stopped.
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
    /** Larger than any frame or UDP payload, so nothing is silently truncated. */
    private static final int BUFFER_BYTES = 65_536;
    private static final long NEVER = Long.MIN_VALUE;

    /**
     * What the secure link needs to know beyond its devices and keys.
     *
     * @param endpoints      the switch, or several replicas of it; the link is connected to the current one
     * @param handshakeRetry with one switch: how long to wait for a handshake response before starting over
     * @param failoverAfter  with several: how long to wait for a handshake response before trying the next switch
     * @param clock          monotonic nanoseconds for every timer (sessions, keepalives, liveness); tests
     *                       advance it to exercise rekeying without waiting minutes
     */
    public record Settings(Endpoints endpoints, String network, int tapMtu, Duration keepalive, Duration deadAfter,
            Duration handshakeRetry, Duration failoverAfter, LongSupplier clock) {

        public Settings(Endpoints endpoints, String network, int tapMtu, Duration keepalive, Duration deadAfter) {
            this(endpoints, network, tapMtu, keepalive, deadAfter, Duration.ofSeconds(WireFormat.REKEY_TIMEOUT_SECONDS),
                    FAILOVER_AFTER, System::nanoTime);
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
    private final Endpoints endpoints;
    private final String network;
    private final int maxFrameLength;
    /** Bytes before each frame in the TAP's reads and writes: a virtio_net_hdr with --offload, else none. */
    private final int prefix;
    private final long keepaliveNanos;
    private final long deadAfterNanos;
    private final long retryNanos;
    private final long failoverNanos;
    private final LongSupplier clock;
    private final Object sealLock = new Object();
    private final Object sessionLock = new Object();
    private final Object stateLock = new Object();
    private final LinkThreads threads = new LinkThreads(this::forwardTapToSwitch, this::forwardSwitchToTap);
    /** The monitor thread's own keepalive buffers. */
    private final ByteBuffer monitorFrame;
    private final ByteBuffer monitorOut;
    /** The session frames are sealed with; written under {@link #sessionLock}. */
    private volatile Session current;
    /** The session before the current one, still opened for packets in flight; written under {@link #sessionLock}. */
    private volatile Session previous;
    /** When an authentic message last came from the switch (at start: when the link started, for the silence timer). */
    private volatile long lastHeardNanos;
    /** The switch sent an offload message in the current session, so it takes them (and knows we do). */
    private volatile boolean switchTakesOffload;
    /** True once an authentic message came from the switch, so {@link #lastHeardNanos} means something to a user. */
    private volatile boolean heardOnce;
    /** When the last handshake completed; {@link #NEVER} before the first. */
    private volatile long lastHandshakeNanos = NEVER;
    private final RttMeter rtt = new RttMeter();
    private volatile long lastKeepaliveNanos;
    /** When the first keepalive since the switch was last heard went out: the reply timeout counts from there. */
    private volatile long firstUnansweredKeepaliveNanos;
    /** Monitor thread only: frames sent to the switch as last counted, and when the count first grew since last heard. */
    private long framesSentSeen;
    private long sendingSinceNanos;
    /** Moves to another switch since the last completed handshake, to log only the first round of them. */
    private final AtomicInteger failovers = new AtomicInteger();
    private State state = State.CONNECTING;
    /** The switch the last "connected to" line named; guarded by {@link #stateLock}. */
    private Endpoints.Endpoint connectedTo;

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
        this.endpoints = settings.endpoints();
        this.network = settings.network();
        this.maxFrameLength = Vport.maxFrameLength(settings.tapMtu());
        this.prefix = tap.offload() ? VirtioNetHeader.LENGTH : 0;
        this.monitorFrame = ByteBuffer.allocateDirect(prefix + Keepalive.LENGTH);
        this.monitorOut = ByteBuffer.allocateDirect(prefix + Keepalive.LENGTH + WireFormat.DATA_OVERHEAD);
        this.keepaliveNanos = settings.keepalive().toNanos();
        this.deadAfterNanos = settings.deadAfter().toNanos();
        this.retryNanos = settings.handshakeRetry().toNanos();
        this.failoverNanos = settings.failoverAfter().toNanos();
        this.clock = settings.clock();
        long now = clock.getAsLong();
        this.lastHeardNanos = now;
        this.lastKeepaliveNanos = now;
        this.sendingSinceNanos = now;
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
        Endpoints.Endpoint endpoint = endpoints.current();
        State state;
        boolean sameSwitch;
        synchronized (stateLock) {
            state = this.state;
            sameSwitch = endpoint.equals(connectedTo);
        }
        // Moving on to another switch (or to a moved one): the session is the old switch's, which does not answer.
        boolean movingOn = !sameSwitch || failovers.get() > 0;
        boolean connected = heard && session != null && !movingOn && now - heardAt < deadAfterNanos;
        LinkState.Phase phase = switch (state) {
            case CONNECTING -> LinkState.Phase.CONNECTING;
            case CONNECTED -> connected ? LinkState.Phase.CONNECTED : LinkState.Phase.SILENT;
            case SILENT -> LinkState.Phase.SILENT;
            case REJECTED -> LinkState.Phase.REJECTED;
        };
        long handshake = lastHandshakeNanos;
        return new LinkState(connected, phase, link.remote(), heard ? Duration.ofNanos(now - heardAt) : null,
                session == null ? null : Duration.ofNanos(now - session.createdNanos()),
                handshake == NEVER ? null : Duration.ofNanos(now - handshake), rtt.reading(), endpoint.target());
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
            noteSending(now);
            boolean dead = now - lastHeardNanos >= deadAfterNanos;
            boolean several = endpoints.several();
            if (dead && enterSilent()) {
                if (!several) {
                    followAddressChange(); // with several, unanswered handshakes move on already
                }
                sendInitiation(now);
            } else if (handshaker.awaitingResponse()) {
                if (now - handshaker.lastInitiationNanos() >= (several ? failoverNanos : retryNanos)) {
                    if (several) {
                        failOver();
                    } else if (dead) {
                        followAddressChange();
                    }
                    sendInitiation(now);
                }
            } else if (session == null || session.needsRekey(now) || keepaliveUnanswered(now)) {
                sendInitiation(now);
            }
            if (session != null && (now - lastKeepaliveNanos >= keepaliveNanos || probeDue(now))) {
                sendKeepalive(session, now, monitorFrame, monitorOut);
            }
        } catch (RuntimeException e) {
            stopOnFailure(e);
        }
    }

    /** A keepalive sent after the last authentic message has gone unanswered for the reply timeout. */
    private boolean keepaliveUnanswered(long now) {
        return lastKeepaliveNanos - lastHeardNanos > 0 && now - firstUnansweredKeepaliveNanos >= KEEPALIVE_REPLY_TIMEOUT_NANOS;
    }

    /** Notes when frames started going out since the switch was last heard (to the resolution of a tick). */
    private void noteSending(long now) {
        long sent = counters.framesToSwitch();
        if (sent != framesSentSeen) {
            framesSentSeen = sent;
            if (sendingSinceNanos - lastHeardNanos <= 0) {
                sendingSinceNanos = now;
            }
        }
    }

    /**
     * Frames have been going out for {@link #PROBE_AFTER_NANOS} with nothing heard since they started, and no
     * keepalive asks yet: one now tells a quiet peer from a dead switch without waiting for the keepalive interval.
     */
    private boolean probeDue(long now) {
        long heardAt = lastHeardNanos;
        return sendingSinceNanos - heardAt > 0 && lastKeepaliveNanos - heardAt <= 0 && now - sendingSinceNanos >= PROBE_AFTER_NANOS;
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

    /** One switch: its name may point elsewhere now (dynamic DNS, a rescheduled pod); follows it if so. */
    private void followAddressChange() {
        Endpoints.Endpoint moved = endpoints.next();
        if (!moved.address().equals(link.remote()) && reconnect(moved)) {
            LOG.infof("switch %s now resolves to %s; reconnected", moved.target(), moved.ip());
        }
    }

    /**
     * Several switches: the one in use did not answer the handshake, so the link moves on to the next. Each move is
     * logged until every switch has been tried once without success; then one line says so, and the vport keeps
     * trying them in turn without more lines until one answers.
     */
    private void failOver() {
        Endpoints.Endpoint from = endpoints.current();
        String why = handshaker.answerFailed() ? "rejected the handshake" : "not answering";
        Endpoints.Endpoint to = endpoints.next();
        if (to.equals(from) || !to.address().equals(link.remote()) && !reconnect(to)) {
            return; // looked up again, the names left only this one; or the move failed (and said why)
        }
        int moves = failovers.incrementAndGet();
        int count = endpoints.all().size();
        if (moves < count) {
            LOG.warnf("switch %s %s; trying %s", from, why, to);
        } else if (moves == count) {
            LOG.warnf("switch %s %s; none of the %d switches answers, trying them in turn", from, why, count);
        }
    }

    private boolean reconnect(Endpoints.Endpoint to) {
        try {
            link.reconnect(to.address());
            return true;
        } catch (IOException e) {
            LOG.warnf("cannot reconnect to switch %s: %s", to, e.getMessage());
            return false;
        }
    }

    // ---- TAP to switch -----------------------------------------------------------------------------

    private void forwardTapToSwitch() {
        ByteBuffer frame = ByteBuffer.allocateDirect(prefix + BUFFER_BYTES);
        ByteBuffer message = ByteBuffer.allocateDirect(prefix + BUFFER_BYTES + WireFormat.DATA_OVERHEAD);
        Session[] session = new Session[1];
        OffloadSender.Out out = (type, payload, frameBytes) -> sendData(session[0], type, payload, message, frameBytes);
        OffloadSender offloaded = prefix == 0 ? null
                : new OffloadSender(maxFrameLength, () -> switchTakesOffload, counters, out);
        try {
            while (threads.isRunning()) {
                int length = tap.read(frame, TAP_POLL_MILLIS);
                if (length == 0) {
                    continue;
                }
                session[0] = current;
                if (session[0] == null || session[0].isExpired(clock.getAsLong())) {
                    counters.drop(LinkCounters.Drop.NO_SESSION);
                    continue;
                }
                if (trace != null && length >= prefix + EthernetFrame.HEADER_LENGTH) {
                    trace.frame("tap->switch", frame.slice(prefix, length - prefix), length - prefix);
                }
                if (offloaded != null && !VirtioNetHeader.isPlain(frame, 0)) {
                    offloaded.send(frame, length);
                } else if (length - prefix > maxFrameLength) {
                    counters.drop(LinkCounters.Drop.OVERSIZE);
                } else {
                    frame.position(prefix);
                    sendData(session[0], WireFormat.TYPE_DATA, frame, message, length - prefix);
                }
            }
        } catch (RuntimeException e) {
            stopOnFailure(e);
        }
    }

    private void sendData(Session session, byte type, ByteBuffer payload, ByteBuffer message, int frameBytes) {
        seal(session, type, payload, message);
        if (link.send(message)) {
            counters.sentToSwitch(frameBytes);
        }
    }

    /** Seals the payload's remaining bytes into {@code message} as a data message of {@code type}, left flipped for sending. */
    private void seal(Session session, byte type, ByteBuffer payload, ByteBuffer message) {
        message.clear();
        synchronized (sealLock) { // the monitor and receiving threads seal keepalives with the same session
            session.seal(type, payload, message);
        }
        message.flip();
    }

    /**
     * With --offload keepalives go as offload messages (an all-zero virtio_net_hdr first): that tells the switch that
     * this vport takes them, and its reply in kind tells this vport that the switch does.
     */
    private void sendKeepalive(Session session, long now, ByteBuffer frame, ByteBuffer message) {
        Keepalive.writeRequest(frame.slice(prefix, Keepalive.LENGTH), tapMac);
        frame.position(0).limit(prefix + Keepalive.LENGTH);
        seal(session, prefix == 0 ? WireFormat.TYPE_DATA : WireFormat.TYPE_DATA_OFFLOAD, frame, message);
        if (lastKeepaliveNanos - lastHeardNanos <= 0) {
            firstUnansweredKeepaliveNanos = now;
        }
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
        ByteBuffer confirmFrame = ByteBuffer.allocateDirect(prefix + Keepalive.LENGTH);
        ByteBuffer confirmMessage = ByteBuffer.allocateDirect(prefix + Keepalive.LENGTH + WireFormat.DATA_OVERHEAD);
        try {
            int length;
            while ((length = link.receive(datagram)) >= 0) {
                datagram.flip();
                switch (WireFormat.typeOf(datagram, 0, length)) {
                    case WireFormat.TYPE_DATA -> onData(datagram, plain, false);
                    case WireFormat.TYPE_DATA_OFFLOAD -> onData(datagram, plain, true);
                    case WireFormat.TYPE_RESPONSE -> onResponse(bytesOf(datagram), confirmFrame, confirmMessage);
                    case WireFormat.TYPE_COOKIE_REPLY -> onCookieReply(bytesOf(datagram));
                    default -> counters.drop(LinkCounters.Drop.MALFORMED);
                }
            }
        } catch (RuntimeException e) {
            stopOnFailure(e);
        }
    }

    /**
     * Opens a data message onto the TAP. With --offload the TAP takes a virtio_net_hdr before each frame: an offload
     * message carries one, and an ordinary one is opened after {@link #prefix} zero bytes, which say "nothing to do".
     */
    private void onData(ByteBuffer message, ByteBuffer plain, boolean offloaded) {
        if (offloaded && prefix == 0) {
            counters.drop(LinkCounters.Drop.MALFORMED); // the switch sends these only to vports that sent one
            return;
        }
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
        plain.clear().position(offloaded ? 0 : prefix);
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
        if (offloaded) {
            switchTakesOffload = true;
            if (plain.limit() < prefix) {
                counters.drop(LinkCounters.Drop.MALFORMED);
                return;
            }
        }
        int length = plain.limit() - prefix;
        if (length == 0) {
            return; // an empty message is a sign of life, nothing more
        }
        byte keepalive = Keepalive.kind(plain, prefix, length);
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
            trace.frame("switch->tap", plain.slice(prefix, length), length);
        }
        if (offloaded && !VirtioNetHeader.isPlain(plain, 0)) {
            counters.receivedOffload();
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
            switchTakesOffload = false; // perhaps another switch now: it says again whether it takes offload messages
        }
        lastHeardNanos = now;
        heardOnce = true;
        lastHandshakeNanos = now;
        counters.handshakeCompleted();
        failovers.set(0);
        sendKeepalive(session, now, confirmFrame, confirmMessage); // the switch waits for this proof before it sends
        enterConnected(endpoints.current());
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

    /** Says so when the link was not connected, or was connected to another switch. */
    private void enterConnected(Endpoints.Endpoint to) {
        synchronized (stateLock) {
            if (state != State.CONNECTED || !to.equals(connectedTo)) {
                state = State.CONNECTED;
                connectedTo = to;
                LOG.infof("connected to %s (%snetwork %s)", to.target(), to.target().isLiteral() ? "" : to.ip() + ", ", network);
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
            LOG.warnf("waiting for handshake response from %s (no answer for %d s)", endpoints.current(),
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
