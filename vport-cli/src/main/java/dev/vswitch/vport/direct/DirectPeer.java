package dev.vswitch.vport.direct;

import dev.vswitch.protocol.rendezvous.Rendezvous;
import dev.vswitch.protocol.wire.HandshakeInitiator;
import dev.vswitch.protocol.wire.Session;
import dev.vswitch.protocol.wire.Timestamp;
import dev.vswitch.protocol.wire.WireFormat;
import dev.vswitch.vport.udp.NativeUdpSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One vport the switch introduced this one to, and the direct path to it: its introduction, this vport's handshake
 * towards it, the sessions, where it answers and how the path stands. {@link DirectPaths} drives it.
 *
 * <p>Both vports start handshakes with each other at once (hole punching). Each side sends with the newest session it
 * holds that is proven: its own handshake's (proven by the response) or the other side's (proven by its first data),
 * and opens with any it kept, so the two handshakes crossing on the wire need no tie-break.
 *
 * <p>Threads: the monitor ticks, the direct socket's receiving thread hands in handshake messages and data, the
 * TAP-to-switch thread seals with {@link #sending}. Handshake state is guarded by this object's lock; the sessions and
 * the path are volatile, each written under the lock.
 */
final class DirectPeer {

    /** How frames to this peer go, as {@code vport status} names it. */
    enum Path {
        RELAYED("relayed"), PUNCHING("punching"), DIRECT("direct");

        final String label;

        Path(String label) {
            this.label = label;
        }
    }

    /** Sessions kept for opening: a rekey in each direction and the two crossing handshakes of a punch. */
    static final int KEPT = 4;

    final byte[] publicKey;
    final String key;
    private final HandshakeInitiator initiator;
    private volatile Rendezvous.PeerIntro intro;
    private volatile long introducedNanos;

    private volatile Path path = Path.RELAYED;
    private volatile String why = "not tried yet";
    private volatile Session sending;
    /**
     * Every session of the last {@link #KEPT} handshakes either side started, newest first: the other side may send
     * with any of them (its own handshake's, while ours is newer), so each opens until it expires or is pushed out.
     */
    private volatile Session[] sessions = new Session[0];
    private volatile InetSocketAddress endpoint;
    /** {@link #endpoint} as a sockaddr for the socket, made when it changes. */
    private volatile ByteBuffer target;
    private volatile long lastHeardNanos;
    private volatile long rttNanos = -1;

    // Guarded by this.
    private boolean awaitingResponse;
    private long initiationNanos;
    private long punchUntilNanos;
    private long nextRoundNanos;
    private long retryAtNanos;
    private long lastKeepaliveNanos;
    private byte[] lastTimestamp;

    /** Serialises sealing with {@link #sending}: the TAP-to-switch thread and the monitor's keepalives both seal. */
    final Object sealLock = new Object();
    final AtomicLong framesOut = new AtomicLong();
    final AtomicLong framesIn = new AtomicLong();

    DirectPeer(Rendezvous.PeerIntro intro, HandshakeInitiator initiator, long nowNanos) {
        this.publicKey = intro.publicKey().clone();
        this.key = Base64.getEncoder().encodeToString(publicKey);
        this.initiator = initiator;
        this.intro = intro;
        this.introducedNanos = nowNanos;
    }

    // ---- the introduction --------------------------------------------------------------------------

    void introducedAgain(Rendezvous.PeerIntro newer, long nowNanos) {
        intro = newer;
        introducedNanos = nowNanos;
    }

    Rendezvous.PeerIntro intro() {
        return intro;
    }

    long introducedNanos() {
        return introducedNanos;
    }

    // ---- the path ----------------------------------------------------------------------------------

    Path path() {
        return path;
    }

    String why() {
        return why;
    }

    InetSocketAddress endpoint() {
        return endpoint;
    }

    /** Where the direct path reaches the peer, as the socket takes it; null unless direct. */
    ByteBuffer target() {
        return target;
    }

    /** The round trip of the last handshake this side started that was answered, or -1. */
    long rttNanos() {
        return rttNanos;
    }

    long lastHeardNanos() {
        return lastHeardNanos;
    }

    /** The session to seal frames for this peer with, or null while frames to it go through the switch. */
    Session sending() {
        return sending;
    }

    /** Starts hole punching now, unless the path is up, being punched, or failed lately and is not due again. */
    synchronized boolean startPunching(long nowNanos, long punchForNanos) {
        if (path != Path.RELAYED || nowNanos - retryAtNanos < 0) {
            return false;
        }
        path = Path.PUNCHING;
        why = "punching";
        punchUntilNanos = nowNanos + punchForNanos;
        nextRoundNanos = nowNanos;
        return true;
    }

    /**
     * While punching: true when the next round of initiations is due (and schedules the one after), false otherwise;
     * a punch that ran out is given up with {@code whyNot}, to be retried after {@code retryAfterNanos}.
     */
    synchronized boolean punchRoundDue(long nowNanos, long roundNanos, String whyNot, long retryAfterNanos) {
        if (path != Path.PUNCHING || nowNanos - nextRoundNanos < 0) {
            return false;
        }
        if (nowNanos - punchUntilNanos >= 0) {
            fallBack(whyNot, nowNanos, retryAfterNanos);
            return false;
        }
        nextRoundNanos = nowNanos + roundNanos;
        return true;
    }

    /** Whether a keepalive is due on the direct path (noted as sent). */
    synchronized boolean keepaliveDue(long nowNanos, long intervalNanos) {
        if (path != Path.DIRECT || nowNanos - lastKeepaliveNanos < intervalNanos) {
            return false;
        }
        lastKeepaliveNanos = nowNanos;
        return true;
    }

    /** Frames go through the switch again, for {@code reason}; punching is tried again after {@code retryAfterNanos}. */
    synchronized void fallBack(String reason, long nowNanos, long retryAfterNanos) {
        path = Path.RELAYED;
        why = reason;
        sending = null;
        sessions = new Session[0];
        awaitingResponse = false;
        retryAtNanos = nowNanos + retryAfterNanos;
    }

    // ---- handshakes --------------------------------------------------------------------------------

    /** A new initiation towards this peer from {@code index}; a response to it is awaited from now on. */
    synchronized byte[] initiation(int index, Instant timestamp, long nowNanos) {
        awaitingResponse = true;
        initiationNanos = nowNanos;
        return initiator.initiation(index, timestamp, null);
    }

    synchronized boolean awaitingResponse() {
        return awaitingResponse;
    }

    synchronized long initiationNanos() {
        return initiationNanos;
    }

    /** Whether {@code receiverIndex} names the handshake this side has in progress with this peer. */
    synchronized boolean awaits(int receiverIndex) {
        return awaitingResponse && initiator.localIndex() == receiverIndex;
    }

    /**
     * Completes this side's handshake with the peer's response from {@code from}: the path is direct from now on.
     *
     * @throws dev.vswitch.protocol.noise.NoiseException when the response does not authenticate
     */
    synchronized Session completeHandshake(byte[] response, InetSocketAddress from, long nowNanos) {
        Session session = initiator.consumeResponse(response, nowNanos);
        awaitingResponse = false;
        rttNanos = nowNanos - initiationNanos;
        keep(session);
        useForSending(session, from, nowNanos);
        return session;
    }

    /** Accepts an initiation's timestamp only when newer than the last accepted: a replayed one is refused. */
    synchronized boolean acceptTimestamp(byte[] timestamp) {
        if (!Timestamp.isNewer(timestamp, lastTimestamp)) {
            return false;
        }
        lastTimestamp = timestamp.clone();
        return true;
    }

    /** The peer's handshake was answered: its session opens frames now and seals once its first data proves it. */
    synchronized void answered(Session session) {
        keep(session);
    }

    /** The session this peer's data message is for, by the index it names; null when none. */
    Session withLocalIndex(int localIndex) {
        for (Session session : sessions) {
            if (session.localIndex() == localIndex) {
                return session;
            }
        }
        return null;
    }

    /**
     * An authentic data message came in {@code session} from {@code from}: the peer is alive there. A session newer than
     * the one in use (the other side's handshake, so proven) is used for sending from now on; the endpoint follows a
     * peer that roamed.
     */
    void heard(Session session, InetSocketAddress from, long nowNanos) {
        lastHeardNanos = nowNanos;
        Session inUse = sending;
        if (inUse != null && session.createdNanos() - inUse.createdNanos() <= 0 && from.equals(endpoint)) {
            return; // the usual case, for every datagram: nothing changes
        }
        synchronized (this) {
            Session current = sending;
            if (current == null || session.createdNanos() - current.createdNanos() > 0) {
                useForSending(session, from, nowNanos);
            } else if (!from.equals(endpoint)) {
                moveTo(from); // roamed: any of its sessions proves it, as in WireGuard
            }
        }
    }

    private void keep(Session session) {
        Session[] kept = sessions;
        Session[] newer = new Session[Math.min(KEPT, kept.length + 1)];
        newer[0] = session;
        System.arraycopy(kept, 0, newer, 1, newer.length - 1);
        sessions = newer;
    }

    private void moveTo(InetSocketAddress to) {
        target = NativeUdpSocket.target(to);
        endpoint = to;
    }

    private void useForSending(Session session, InetSocketAddress from, long nowNanos) {
        if (!from.equals(endpoint)) {
            moveTo(from);
        }
        sending = session;
        lastHeardNanos = nowNanos;
        lastKeepaliveNanos = nowNanos - Long.MAX_VALUE / 2; // the first keepalive goes at once: it proves our session
        path = Path.DIRECT;
        why = "answered at " + from.getAddress().getHostAddress() + ":" + from.getPort();
    }

    /** Drops sessions past their lifetime; true when the one in use went too (the path must be made anew). */
    synchronized boolean retireExpired(long nowNanos) {
        Session[] kept = sessions;
        int live = 0;
        for (Session session : kept) {
            live += session.isExpired(nowNanos) ? 0 : 1;
        }
        if (live < kept.length) {
            Session[] fresh = new Session[live];
            int at = 0;
            for (Session session : kept) {
                if (!session.isExpired(nowNanos)) {
                    fresh[at++] = session;
                }
            }
            sessions = fresh;
        }
        return sending != null && sending.isExpired(nowNanos);
    }

    /**
     * The session in use is old enough for a new handshake: this side's after {@link WireFormat#REKEY_AFTER_SECONDS}
     * (as with the switch), the other side's some seconds later, in case the other side does not.
     */
    synchronized boolean needsRekey(long nowNanos, long graceNanos) {
        Session session = sending;
        if (session == null || (awaitingResponse && nowNanos - initiationNanos < WireFormat.REKEY_TIMEOUT_SECONDS * 1_000_000_000L)) {
            return false;
        }
        return session.needsRekey(nowNanos)
                || nowNanos - session.createdNanos() > WireFormat.REKEY_AFTER_SECONDS * 1_000_000_000L + graceNanos;
    }
}
