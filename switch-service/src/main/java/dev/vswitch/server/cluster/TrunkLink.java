package dev.vswitch.server.cluster;

import dev.vswitch.protocol.noise.NoiseException;
import dev.vswitch.protocol.text.AddressText;
import dev.vswitch.protocol.wire.CookieJar;
import dev.vswitch.protocol.wire.HandshakeInitiator;
import dev.vswitch.protocol.wire.Session;
import dev.vswitch.server.session.PortEndpoint;
import dev.vswitch.server.session.SessionSlots;
import dev.vswitch.switching.Port;
import dev.vswitch.switching.Traffic;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The trunk to one other replica, known by its address (the host:port it is dialed at and sends from): its
 * sessions, its handshake in flight, its liveness and its traffic. While up it is the endpoint of one trunk
 * port in every network. Touched only on the switch's event loop, except the traffic counters, which metrics
 * read from any thread.
 */
public final class TrunkLink implements PortEndpoint {

    /** The other side changes its cookie secret every 120 s; an older cookie than that minus slack is not sent. */
    private static final long COOKIE_USABLE_NANOS = CookieJar.SECRET_LIFETIME_NANOS - 5_000_000_000L;

    private final InetSocketAddress address;
    private final HandshakeInitiator initiator;
    private final SessionSlots sessions = new SessionSlots();
    /** The trunk port in each network, in the mesh's order of networks; empty unless up. */
    final List<Port<PortEndpoint>> ports = new ArrayList<>();
    LinkState state = LinkState.CONNECTING;
    /** In the static list or DNS, so dialed; otherwise known only because it dialed this replica. */
    boolean discovered;
    /** The index of this side's initiation awaiting a response; 0 when none is. */
    int handshakeIndex;
    long lastInitiationNanos;
    /** The newest initiation timestamp accepted from it, against replays. */
    byte[] lastTimestamp;
    /**
     * This replica's own initiations to the link's address that came back to it, in a row, with no genuine answer in
     * between: three mean the address is this replica's own (or every one is being reflected, which a path attacker
     * could do to any link anyway).
     */
    int selfEchoes;
    long lastReceivedNanos;
    long lastSentNanos;
    boolean heard;
    private Instant lastSentTimestamp = Instant.EPOCH;
    private byte[] cookie;
    private long cookieNanos;
    private final Traffic traffic = new Traffic();
    /** Whether the path carries the largest datagrams whole; probed by the mesh. */
    final TrunkPath path = new TrunkPath();
    private final TrunkPieces.Joiner joiner;
    private final ClusterCounters counters;
    private int lastCutFrameId;
    /** Fallbacks of its path logged: the first is a warning, the others are not worth one. */
    int fallbacksLogged;

    /** @param largestPlaintext the largest tagged frame the mesh carries: frames in pieces are joined in that much */
    TrunkLink(InetSocketAddress address, HandshakeInitiator initiator, long lastInitiationNanos, int largestPlaintext,
              ClusterCounters counters) {
        this.address = address;
        this.initiator = initiator;
        this.lastInitiationNanos = lastInitiationNanos;
        this.joiner = new TrunkPieces.Joiner(largestPlaintext, counters);
        this.counters = counters;
    }

    /** A new initiation under {@code index}, with mac2 when the other side handed out a cookie lately. */
    byte[] initiation(int index, Instant wallClock, long nowNanos) {
        lastSentTimestamp = wallClock.isAfter(lastSentTimestamp) ? wallClock : lastSentTimestamp.plusNanos(1);
        handshakeIndex = index;
        lastInitiationNanos = nowNanos;
        boolean fresh = cookie != null && nowNanos - cookieNanos < COOKIE_USABLE_NANOS;
        return initiator.initiation(index, lastSentTimestamp, fresh ? cookie : null);
    }

    /** Completes the handshake in flight; throws {@link NoiseException} when the response does not authenticate. */
    Session complete(byte[] response, long nowNanos) {
        try {
            return initiator.consumeResponse(response, nowNanos);
        } finally {
            handshakeIndex = 0; // either way this handshake is over: the state has read the response
        }
    }

    /** Keeps the cookie of a cookie reply to the initiation in flight; false when the reply is forged. */
    boolean takeCookie(byte[] reply, byte[] responderPublicKey, long nowNanos) {
        try {
            cookie = CookieJar.openReply(reply, responderPublicKey, initiator.lastMac1());
        } catch (NoiseException e) {
            return false;
        }
        cookieNanos = nowNanos;
        return true;
    }

    /** Counts a frame that came in over this trunk. */
    public void receivedFrame(int length) {
        traffic.received(length);
    }

    /** Counts a frame sent over this trunk. */
    public void sentFrame(int length, long nowNanos) {
        traffic.sent(length);
        lastSentNanos = nowNanos;
    }

    /** Whether a tagged frame of {@code length} bytes goes to this replica whole, or else in pieces. */
    public boolean sendsWhole(int length) {
        return path.carriesWhole(length);
    }

    /** The id of a frame about to be cut into pieces for this replica (counted). */
    public int cutFrameId() {
        counters.frameCut();
        return ++lastCutFrameId;
    }

    /** Takes a piece that came from this replica ({@link TrunkPieces.Joiner#add}). */
    public TrunkPieces.Joined join(ByteBuffer plain) {
        return joiner.add(plain);
    }

    public TrunkPath.Verdict pathVerdict() {
        return path.verdict();
    }

    public LinkState state() {
        return state;
    }

    /** True when the static list or DNS names it; false when it is known only because it dialed this replica. */
    public boolean isDiscovered() {
        return discovered;
    }

    /** Nanoseconds since it was last heard from, or -1 if never. */
    public long silentNanos(long nowNanos) {
        return heard ? nowNanos - lastReceivedNanos : -1;
    }

    /** Frames and bytes each way over this trunk; safe to read from any thread. */
    public Traffic traffic() {
        return traffic;
    }

    @Override
    public SessionSlots sessions() {
        return sessions;
    }

    @Override
    public InetSocketAddress sendAddress() {
        return address;
    }

    @Override
    public String address() {
        return AddressText.endpoint(address);
    }

    /** A trunk has no client key: it speaks with the switch's own key. */
    @Override
    public String clientKey() {
        return null;
    }


    @Override
    public String toString() {
        return "replica at " + address();
    }
}
