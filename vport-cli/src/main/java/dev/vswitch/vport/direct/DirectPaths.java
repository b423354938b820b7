package dev.vswitch.vport.direct;

import dev.vswitch.vport.link.LinkState;
import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.MacAddress;
import dev.vswitch.protocol.noise.NoiseException;
import dev.vswitch.protocol.offload.TcpCoalescer;
import dev.vswitch.protocol.offload.VirtioNetHeader;
import dev.vswitch.protocol.ratelimit.TokenBucket;
import dev.vswitch.protocol.rendezvous.Rendezvous;
import dev.vswitch.protocol.text.AddressText;
import dev.vswitch.protocol.wire.HandshakeInitiator;
import dev.vswitch.protocol.wire.HandshakeResponder;
import dev.vswitch.protocol.wire.Session;
import dev.vswitch.protocol.wire.WireFormat;
import dev.vswitch.vport.link.FrameLimits;
import dev.vswitch.vport.link.LinkCounters;
import dev.vswitch.vport.tap.FrameDevice;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;
import org.jboss.logging.Logger;

/**
 * Direct paths between this vport and the ones the switch introduced it to. In order:
 * <ol>
 *   <li>An introduction ({@link #introduced}) starts hole punching: every {@link #ROUND_NANOS} for {@link
 *       #PUNCH_FOR_NANOS} the monitor ({@link #tick}) sends a handshake initiation to each of the peer's candidates (where
 *       the switch sees it, and the addresses it reported), from the port the switch sees this vport at. The peer does
 *       the same, so each side's NAT lets the other's packets in.</li>
 *   <li>The receiving thread ({@link #receiveLoop}) answers initiations from introduced keys only, and completes this
 *       side's handshake with the first response: from then on the path is direct, to where that response came from.</li>
 *   <li>The TAP-to-switch thread sends unicast frames for a MAC behind a direct peer ({@link MacRoutes}) sealed in that
 *       session straight to it ({@link DirectSender}); everything else still goes through the switch, so its flood rules
 *       and MAC table stay in charge.</li>
 *   <li>Keepalives every {@link #KEEPALIVE_NANOS} keep the NAT mappings open; a path that stays silent for {@link
 *       #DEAD_AFTER_NANOS} is given up and frames go through the switch again (within 2 s). A punch that goes unanswered
 *       leaves the path relayed; the next introduction after {@link #RETRY_AFTER_NANOS} tries again.</li>
 * </ol>
 * Sessions are rekeyed as with the switch, and a peer whose datagrams come from a new address (it roamed) is followed
 * there once one authenticates.
 */
public final class DirectPaths implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DirectPaths.class);

    static final long PUNCH_FOR_NANOS = 5_000_000_000L;
    static final long ROUND_NANOS = 500_000_000L;
    static final long KEEPALIVE_NANOS = 500_000_000L;
    /** Three keepalives missed: the path is gone, and frames move back to the switch within 2 s of its loss. */
    static final long DEAD_AFTER_NANOS = 1_500_000_000L;
    static final long RETRY_AFTER_NANOS = 30_000_000_000L;
    /** The other side of a session rekeys this much later than its initiator would have. */
    private static final long REKEY_GRACE_NANOS = 10_000_000_000L;
    /** Initiations the receiving thread decrypts per second at most: each costs a Diffie-Hellman. */
    private static final int INITIATIONS_PER_SECOND = 50;
    private static final String NO_ANSWER = "no candidate answered within 5 s (a symmetric NAT or a firewall on the way?)";

    private final PeerKeys keys;
    private final FrameDevice tap;
    private final LinkCounters counters;
    private final LongSupplier clock;
    private final int prefix;
    private final DirectSocket socket = new DirectSocket();
    private final PeerDirectory directory;
    private final MacRoutes routes = new MacRoutes();
    private final HandshakeResponder responder;
    /** Only the receiving thread takes from it. */
    private final TokenBucket initiations;
    private final ByteBuffer keepaliveOut = ByteBuffer.allocateDirect(WireFormat.DATA_OVERHEAD);
    private Instant lastTimestamp = Instant.EPOCH;
    /** Since start, for the switch's metrics ({@link #report}). */
    private final AtomicLong punchedDirect = new AtomicLong();
    private final AtomicLong punchedUnanswered = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();

    public DirectPaths(PeerKeys keys, FrameDevice tap, LinkCounters counters, LongSupplier clock) {
        this.keys = keys;
        this.tap = tap;
        this.counters = counters;
        this.clock = clock;
        this.prefix = tap.offload() ? VirtioNetHeader.LENGTH : 0;
        this.responder = new HandshakeResponder(keys.privateKey(), keys.random());
        this.initiations = new TokenBucket(INITIATIONS_PER_SECOND, INITIATIONS_PER_SECOND, clock.getAsLong());
        this.directory = new PeerDirectory(intro -> new DirectPeer(intro,
                new HandshakeInitiator(keys.privateKey(), intro.publicKey(), keys.networkKey(), keys.network(), keys.random()),
                clock.getAsLong()));
    }

    /** 1. The switch introduced a peer (the switch's receiving thread): punching starts unless a path is up or failed lately. */
    public void introduced(Rendezvous.PeerIntro intro, long nowNanos) {
        DirectPeer peer = directory.introduced(intro, nowNanos);
        if (peer == null) {
            return;
        }
        routes.put(intro.mac(), peer);
        peer.startPunching(nowNanos, PUNCH_FOR_NANOS);
    }

    /**
     * The monitor's step: follows the switch socket's port ({@code switchLocal}), sends the punching rounds due, keeps
     * direct paths alive, rekeys them and gives up the silent ones.
     */
    public void tick(long nowNanos, InetSocketAddress switchLocal) {
        if (!socket.follow(switchLocal)) {
            return;
        }
        directory.forgetStale(nowNanos, routes::removePeer);
        for (DirectPeer peer : directory.all()) {
            if (peer.retireExpired(nowNanos)) {
                fallBack(peer, "the session expired", nowNanos, 0);
            }
            switch (peer.path()) {
                case PUNCHING -> {
                    if (peer.punchRoundDue(nowNanos, ROUND_NANOS, NO_ANSWER, RETRY_AFTER_NANOS)) {
                        sendInitiation(peer, candidates(peer.intro(), switchLocal), nowNanos);
                    } else if (peer.path() == DirectPeer.Path.RELAYED) {
                        punchedUnanswered.incrementAndGet();
                        LOG.infof("no direct path to peer %s: %s; frames go through the switch", peer.key, NO_ANSWER);
                    }
                }
                case DIRECT -> keepUp(peer, nowNanos);
                case RELAYED -> { }
            }
        }
    }

    private void keepUp(DirectPeer peer, long nowNanos) {
        if (nowNanos - peer.lastHeardNanos() > DEAD_AFTER_NANOS) {
            fallBack(peer, "the direct path went silent", nowNanos, RETRY_AFTER_NANOS);
            return;
        }
        if (peer.keepaliveDue(nowNanos, KEEPALIVE_NANOS)) {
            send(peer, ByteBuffer.allocate(0), keepaliveOut);
        }
        if (peer.needsRekey(nowNanos, REKEY_GRACE_NANOS)) {
            sendInitiation(peer, List.of(peer.endpoint()), nowNanos);
        }
    }

    private void fallBack(DirectPeer peer, String why, long nowNanos, long retryAfterNanos) {
        peer.fallBack(why, nowNanos, retryAfterNanos);
        lost.incrementAndGet();
        LOG.infof("direct path to peer %s lost: %s; frames go through the switch", peer.key, why);
    }

    /** Where a peer may answer: where the switch sees it, then the addresses it reported; only our socket's family. */
    private static List<InetSocketAddress> candidates(Rendezvous.PeerIntro intro, InetSocketAddress switchLocal) {
        boolean six = switchLocal.getAddress() instanceof Inet6Address;
        Set<InetSocketAddress> all = new LinkedHashSet<>();
        all.add(intro.observed());
        all.addAll(intro.local());
        all.removeIf(candidate -> candidate.isUnresolved() || (candidate.getAddress() instanceof Inet6Address) != six);
        return List.copyOf(all);
    }

    /** One initiation, to each of {@code to}: the first answer wins. */
    private void sendInitiation(DirectPeer peer, List<InetSocketAddress> to, long nowNanos) {
        byte[] initiation = peer.initiation(newIndex(), nextTimestamp(), nowNanos);
        for (InetSocketAddress candidate : to) {
            socket.send(ByteBuffer.wrap(initiation), candidate);
        }
    }

    // ---- TAP to peer (the TAP-to-switch thread, through DirectSender) -----------------------------------

    /** The peer a frame at {@code offset} goes to directly, or null: not unicast, or no direct path to its MAC. */
    DirectPeer route(ByteBuffer frame, int offset) {
        long destination = EthernetFrame.destination(frame, offset);
        if (MacAddress.isGroup(destination)) {
            return null;
        }
        DirectPeer peer = routes.lookup(destination);
        return peer == null || peer.sending() == null ? null : peer;
    }

    /**
     * Seals {@code frame}'s remaining bytes into {@code message} in the peer's session and sends it there; false when
     * the path is down (since {@link #route} said otherwise).
     */
    boolean send(DirectPeer peer, ByteBuffer frame, ByteBuffer message) {
        Session session = peer.sending();
        if (session == null) {
            return false;
        }
        message.clear();
        synchronized (peer.sealLock) {
            session.seal(WireFormat.TYPE_DATA, frame, message);
        }
        message.flip();
        if (sendSealed(peer, message)) {
            peer.framesOut.incrementAndGet();
        }
        return true;
    }

    /** Sends one sealed message to the peer's direct endpoint; false, counted, when it could not go. */
    boolean sendSealed(DirectPeer peer, ByteBuffer message) {
        ByteBuffer target = peer.target();
        if (target != null && socket.sendTo(message, target)) {
            return true;
        }
        counters.drop(LinkCounters.Drop.LINK_ERROR);
        return false;
    }

    /** Sends sealed messages of {@code segmentSize} bytes back to back in one system call (UDP GSO) to the peer. */
    boolean sendSegments(DirectPeer peer, ByteBuffer messages, int segmentSize) {
        ByteBuffer target = peer.target();
        if (target != null && socket.sendSegmentsTo(messages, segmentSize, target)) {
            return true;
        }
        messages.position(messages.limit());
        counters.drop(LinkCounters.Drop.LINK_ERROR);
        return false;
    }

    // ---- peer to TAP: the receiving thread ------------------------------------------------------------

    /** Starts the receiving thread; {@code guard} stops the vport with the reason should it fail. */
    public Thread start(UnaryOperator<Runnable> guard) {
        Thread thread = new Thread(guard.apply(this::receiveLoop), "vport-direct");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /**
     * Takes every datagram from peers until closed. With {@code --offload} the TCP frames that arrive together are
     * joined back into super-frames for the TAP ({@link TcpCoalescer}), written once no datagram waits any more.
     */
    void receiveLoop() {
        ByteBuffer datagram = ByteBuffer.allocateDirect(FrameLimits.BUFFER_BYTES);
        ByteBuffer plain = ByteBuffer.allocateDirect(FrameLimits.BUFFER_BYTES);
        ByteBuffer confirm = ByteBuffer.allocateDirect(WireFormat.DATA_OVERHEAD);
        TcpCoalescer coalescer = prefix == 0 ? null : new TcpCoalescer(this::writeToTap);
        InetSocketAddress from;
        while ((from = socket.receive(datagram)) != null) {
            datagram.flip();
            long now = clock.getAsLong();
            switch (WireFormat.typeOf(datagram, 0, datagram.remaining())) {
                case WireFormat.TYPE_DATA -> onData(datagram, plain, from, now, coalescer);
                case WireFormat.TYPE_INITIATION -> onInitiation(WireFormat.copyOf(datagram), from, now);
                case WireFormat.TYPE_RESPONSE -> onResponse(WireFormat.copyOf(datagram), from, now, confirm);
                default -> counters.drop(LinkCounters.Drop.MALFORMED);
            }
            if (coalescer != null && !socket.datagramWaiting()) {
                coalescer.flush();
            }
        }
    }

    private void writeToTap(ByteBuffer packet, int frames, int frameBytes) {
        if (!tap.write(packet)) {
            counters.drop(LinkCounters.Drop.TAP_WRITE_FAILED);
        }
    }

    /** 2. An introduced peer starts a handshake: answered at once, to where it came from. */
    private void onInitiation(byte[] message, InetSocketAddress from, long nowNanos) {
        if (!responder.mac1Valid(message) || !initiations.tryTake(nowNanos)) {
            counters.drop(LinkCounters.Drop.MALFORMED);
            return;
        }
        HandshakeResponder.Initiation initiation;
        try {
            initiation = responder.readInitiation(message);
        } catch (NoiseException e) {
            counters.drop(LinkCounters.Drop.FORGED);
            return;
        }
        DirectPeer peer = directory.withKey(initiation.initiatorStatic());
        if (peer == null || !keys.network().equals(initiation.network())) {
            counters.drop(LinkCounters.Drop.STRANGER);
            return;
        }
        if (!peer.acceptTimestamp(initiation.timestamp())) {
            counters.drop(LinkCounters.Drop.REPLAYED);
            return;
        }
        HandshakeResponder.Response response = responder.respond(initiation, keys.networkKey(), newIndex(), nowNanos);
        peer.answered(response.session());
        socket.send(ByteBuffer.wrap(response.message()), from);
    }

    /** 2. A response to this side's handshake: the first one completes it, and the path is direct. */
    private void onResponse(byte[] message, InetSocketAddress from, long nowNanos, ByteBuffer confirm) {
        int receiverIndex = ByteBuffer.wrap(message).getInt(WireFormat.HEADER_LENGTH + WireFormat.INDEX_LENGTH);
        for (DirectPeer peer : directory.all()) {
            if (peer.awaits(receiverIndex)) {
                boolean wasDirect = peer.path() == DirectPeer.Path.DIRECT;
                try {
                    peer.completeHandshake(message, from, nowNanos);
                } catch (NoiseException e) {
                    counters.drop(LinkCounters.Drop.FORGED);
                    return;
                }
                send(peer, ByteBuffer.allocate(0), confirm); // proves the session to the peer at once
                if (!wasDirect) {
                    punchedDirect.incrementAndGet();
                    LOG.infof("direct path to peer %s at %s (round trip %.1f ms)", peer.key, AddressText.endpoint(from),
                            peer.rttNanos() / 1e6);
                }
                return;
            }
        }
        counters.drop(LinkCounters.Drop.UNKNOWN_SESSION);
    }

    /** 3. A data message from a peer: opened onto the TAP, its source MAC noted as living behind that peer. */
    private void onData(ByteBuffer message, ByteBuffer plain, InetSocketAddress from, long nowNanos, TcpCoalescer coalescer) {
        int index = Session.receiverIndexOf(message);
        DirectPeer peer = null;
        Session session = null;
        for (DirectPeer candidate : directory.all()) {
            session = candidate.withLocalIndex(index);
            if (session != null) {
                peer = candidate;
                break;
            }
        }
        if (session == null || session.isExpired(nowNanos)) {
            counters.drop(LinkCounters.Drop.UNKNOWN_SESSION);
            return;
        }
        plain.clear().position(prefix);
        Session.Verdict verdict = session.open(message, plain);
        if (verdict != Session.Verdict.OK) {
            counters.drop(LinkCounters.Drop.of(verdict));
            return;
        }
        boolean wasDirect = peer.path() == DirectPeer.Path.DIRECT;
        peer.heard(session, from, nowNanos);
        if (!wasDirect && peer.path() == DirectPeer.Path.DIRECT) {
            punchedDirect.incrementAndGet();
            LOG.infof("direct path to peer %s at %s", peer.key, AddressText.endpoint(from));
        }
        plain.flip();
        int length = plain.limit() - prefix;
        if (length == 0) {
            return; // a keepalive
        }
        if (length < EthernetFrame.HEADER_LENGTH) {
            counters.drop(LinkCounters.Drop.RUNT);
            return;
        }
        if (prefix != 0) {
            VirtioNetHeader.writePlain(plain, 0);
        }
        long source = EthernetFrame.source(plain, prefix);
        if (routes.lookup(source) != peer) { // the lock only when something changes
            routes.put(source, peer);
        }
        peer.framesIn.incrementAndGet();
        if (coalescer != null) {
            coalescer.add(plain);
        } else {
            writeToTap(plain, 1, length);
        }
    }

    // ---- what vport status shows ------------------------------------------------------------------

    /** The introduced peers and how frames to each go, newest introduction first. */
    public List<LinkState.Peer> peers(long nowNanos) {
        return directory.peers(nowNanos);
    }

    /** How the direct paths fare, for the switch's metrics: direct peers now, and the outcomes since start. */
    public Rendezvous.PathReport report() {
        int direct = 0;
        for (DirectPeer peer : directory.all()) {
            direct += peer.path() == DirectPeer.Path.DIRECT ? 1 : 0;
        }
        return new Rendezvous.PathReport(direct, punchedDirect.get(), punchedUnanswered.get(), lost.get());
    }

    /** When an authentic datagram last came from the peer with {@code publicKey}; for tests. */
    long lastHeard(byte[] publicKey) {
        return directory.withKey(publicKey).lastHeardNanos();
    }

    @Override
    public void close() {
        socket.close();
    }

    private int newIndex() {
        int index;
        do {
            index = keys.random().nextInt();
        } while (index == 0);
        return index;
    }

    /** The wall clock, strictly increasing, so that initiations in one clock tick are all accepted. */
    private synchronized Instant nextTimestamp() {
        Instant now = keys.wallClock().instant();
        lastTimestamp = now.isAfter(lastTimestamp) ? now : lastTimestamp.plusNanos(1);
        return lastTimestamp;
    }

}
