package dev.vswitch.server.cluster;

import dev.vswitch.protocol.noise.NoiseException;
import dev.vswitch.protocol.wire.HandshakeInitiator;
import dev.vswitch.protocol.wire.HandshakeResponder;
import dev.vswitch.protocol.wire.Session;
import dev.vswitch.protocol.wire.Timestamp;
import dev.vswitch.protocol.wire.WireFormat;
import dev.vswitch.server.keys.SwitchKeys;
import dev.vswitch.server.session.PortEndpoint;
import dev.vswitch.server.session.SessionTable;
import dev.vswitch.switching.VirtualSwitch;
import java.net.InetSocketAddress;
import org.jboss.logging.Logger;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * This replica's side of the full mesh of trunks. It dials every replica that discovery names (a Noise
 * initiator with the switch's own key, which all replicas share, and a PSK derived from the cluster secret),
 * answers replicas that dial it, keeps each trunk alive with a keepalive a second, declares it dead after
 * three silent seconds, and attaches or detaches the trunk's port in every network as it comes and goes. Both
 * sides may dial at once: every session is accepted, frames go out on the newest confirmed one. It probes each
 * trunk's path every second ({@link TrunkPath}) and echoes the other side's probes. Everything runs on the secure
 * port's event loop; data messages are decrypted and switched by the secure port.
 */
public final class ReplicaMesh {

    private static final Logger LOG = Logger.getLogger(ReplicaMesh.class);
    private static final long SECOND = 1_000_000_000L;
    /** A link that sent nothing for this long gets a keepalive at the next tick (ticks come once a second). */
    private static final long KEEPALIVE_IDLE_NANOS = SECOND / 2;
    /** A link not heard from for this long is dead. */
    static final long DEAD_NANOS = 3 * SECOND;
    /** A handshake unanswered for this long is started again, and no replica is dialed more often. */
    static final long DIAL_INTERVAL_NANOS = 2 * SECOND;
    private static final long REKEY_NANOS = WireFormat.REKEY_AFTER_SECONDS * SECOND;
    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);
    /** Own initiations come back this many dials in a row: the link's address is this replica's own. */
    static final int SELF_ECHOES = 3;

    private final ReplicaId id;
    private final byte[] privateKey;
    private final byte[] publicKey;
    private final byte[] trunkKey;
    private final HandshakeResponder responder;
    private final SessionTable sessions;
    private final List<VirtualSwitch<PortEndpoint>> lans;
    private final SecureRandom random;
    private final Clock wallClock;
    private final BiConsumer<byte[], InetSocketAddress> sender;
    private final Map<InetSocketAddress, TrunkLink> links = new LinkedHashMap<>();
    /**
     * The newest initiation timestamp accepted from each replica, by the id inside its authenticated payload: a captured
     * initiation is refused from any address, not only from the link it was captured on. Replica ids are made only with
     * the switch key, so this holds one entry per replica start.
     */
    private final Map<ReplicaId, byte[]> lastTimestamps = new LinkedHashMap<>();
    private final ClusterCounters counters = new ClusterCounters();
    private final int[] byState = new int[LinkState.values().length];
    /** The largest tagged frame the mesh sends: a network's tag and the largest frame its switch forwards. */
    private final int largestPlaintext;
    private LinkListener listener;

    /**
     * @param lans   every network's switching core; each gets one trunk port per live link
     * @param sender sends a datagram from the secure port
     */
    public ReplicaMesh(ClusterSettings settings, SwitchKeys keys, HandshakeResponder responder, SessionTable sessions,
                       List<VirtualSwitch<PortEndpoint>> lans, SecureRandom random, Clock wallClock,
                       BiConsumer<byte[], InetSocketAddress> sender) {
        this.id = ReplicaId.random(random);
        this.privateKey = keys.privateKey();
        this.publicKey = keys.publicKey();
        this.trunkKey = settings.trunkKey();
        this.responder = responder;
        this.sessions = sessions;
        this.lans = List.copyOf(lans);
        this.largestPlaintext = lans.stream()
                .mapToInt(lan -> TrunkFrames.tag(lan.name()).length + lan.settings().maxFrameSize()).max().orElse(0);
        this.random = random;
        this.wallClock = wallClock;
        this.sender = sender;
    }

    public ReplicaId id() {
        return id;
    }

    public ClusterCounters counters() {
        return counters;
    }

    /** The links to other replicas; only on the event loop. */
    public Collection<TrunkLink> links() {
        return links.values();
    }

    /** Tells {@code changes} about every link added or removed from now on; set it before the port starts. */
    public void onLinkChanges(LinkListener changes) {
        this.listener = changes;
    }

    /**
     * The replicas discovery found now: new ones are dialed; vanished ones are no longer dialed, and are
     * forgotten once they are not up.
     */
    public void discovered(Set<InetSocketAddress> found, long nowNanos) {
        for (TrunkLink link : links.values()) {
            link.discovered = found.contains(link.sendAddress());
        }
        for (InetSocketAddress address : found) {
            if (!links.containsKey(address)) {
                add(address, nowNanos).discovered = true;
            }
        }
    }

    /**
     * A decrypted initiation whose network name is a replica's: answered when it comes from this cluster's
     * switch key (and, for the PSK, the cluster secret: only the initiator's confirming data proves that).
     */
    public void onInitiation(HandshakeResponder.Initiation initiation, InetSocketAddress from, long nowNanos) {
        ReplicaId remote = ReplicaId.fromNetworkName(initiation.network());
        if (remote == null || !MessageDigest.isEqual(initiation.initiatorStatic(), publicKey)) {
            counters.handshake(TrunkHandshake.REFUSED);
            return;
        }
        if (remote.equals(id)) {
            counters.handshake(TrunkHandshake.SELF);
            dialedItself(initiation.senderIndex(), from);
            return;
        }
        if (!Timestamp.isNewer(initiation.timestamp(), lastTimestamps.get(remote))) {
            counters.handshake(TrunkHandshake.REPLAYED);
            return;
        }
        lastTimestamps.put(remote, initiation.timestamp());
        TrunkLink link = links.get(from);
        if (link == null) {
            link = add(from, nowNanos);
        }
        link.lastTimestamp = initiation.timestamp();
        HandshakeResponder.Response response = responder.respond(initiation, trunkKey, sessions.newIndex(), nowNanos);
        sessions.add(response.session(), link);
        sessions.remove(link.sessions().replacePending(response.session()));
        sender.accept(response.message(), from);
        counters.handshake(TrunkHandshake.ACCEPTED);
    }

    /** A handshake response; false when it answers no initiation of this mesh. */
    public boolean onResponse(byte[] message, long nowNanos) {
        TrunkLink link = dialing(ByteBuffer.wrap(message).getInt(WireFormat.HEADER_LENGTH + WireFormat.INDEX_LENGTH));
        if (link == null) {
            return false;
        }
        Session session;
        try {
            session = link.complete(message, nowNanos);
        } catch (NoiseException e) {
            counters.handshake(TrunkHandshake.FAILED);
            return true;
        }
        counters.handshake(TrunkHandshake.COMPLETED);
        sessions.add(session, link);
        sessions.remove(link.sessions().install(session));
        heardFrom(link, nowNanos);
        keepalive(link, nowNanos); // the other side's session starts with our first data message
        return true;
    }

    /** A cookie reply (the other replica is under load); false when it answers no initiation of this mesh. */
    public boolean onCookieReply(byte[] message, long nowNanos) {
        TrunkLink link = dialing(ByteBuffer.wrap(message).getInt(WireFormat.HEADER_LENGTH));
        if (link == null) {
            return false;
        }
        if (link.takeCookie(message, publicKey, nowNanos)) {
            counters.handshake(TrunkHandshake.COOKIE);
            dial(link, nowNanos);
        }
        return true;
    }

    /**
     * An authentic data message from a trunk, its plaintext in {@code plain} from 0 to its limit: the link lives. A path
     * probe is echoed and an echo taken; true when it was one of those, false for a keepalive, a frame or a piece.
     */
    public boolean onData(TrunkLink link, Session session, ByteBuffer plain, long nowNanos) {
        if (session == link.sessions().pending()) {
            sessions.remove(link.sessions().confirm(session));
            counters.handshake(TrunkHandshake.CONFIRMED);
        }
        heardFrom(link, nowNanos);
        if (plain.limit() == 0) {
            return false;
        }
        byte kind = TrunkFrames.kind(plain);
        if (kind == TrunkFrames.PROBE) {
            // Echoed at its own length: never more than it, whatever size the other replica probes.
            sendData(link, TrunkFrames.padded(TrunkFrames.ECHO, plain.limit()));
            return true;
        }
        if (kind == TrunkFrames.ECHO) {
            if (plain.limit() >= largestPlaintext && link.path.answered()) {
                LOG.infof("trunk to the replica at %s carries datagrams of %d bytes%s: frames go whole", link.address(),
                        largestPlaintext + WireFormat.DATA_OVERHEAD, link.path.hasFallenBack() ? " again" : "");
            }
            return true;
        }
        return false;
    }

    /** The session table dropped one of a trunk's sessions (expired, or never confirmed). */
    public void sessionRemoved(TrunkLink link, Session session, boolean unconfirmed) {
        link.sessions().remove(session);
        if (unconfirmed) {
            counters.handshake(TrunkHandshake.UNCONFIRMED);
        }
    }

    /**
     * Dead links, keepalives, dials and rekeys, about once a second. A link that discovery does not name is
     * forgotten as soon as it is neither up nor handshaking: it dials this replica again if it lives.
     */
    public void tick(long nowNanos) {
        Arrays.fill(byState, 0);
        for (TrunkLink link : new ArrayList<>(links.values())) {
            if (link.state == LinkState.UP && nowNanos - link.lastReceivedNanos > DEAD_NANOS) {
                down(link);
            }
            if (!link.discovered && link.state != LinkState.UP && link.sessions().isEmpty()) {
                remove(link);
                continue;
            }
            if (link.state == LinkState.UP) {
                probePath(link, nowNanos);
            }
            if (link.state == LinkState.UP && nowNanos - link.lastSentNanos >= KEEPALIVE_IDLE_NANOS) {
                keepalive(link, nowNanos);
            }
            if (wantsHandshake(link, nowNanos)) {
                dial(link, nowNanos);
            }
            byState[link.state.ordinal()]++;
        }
        counters.snapshot(byState);
    }

    private boolean wantsHandshake(TrunkLink link, long nowNanos) {
        boolean dialable = link.discovered && link.state != LinkState.SELF;
        if (!dialable || nowNanos - link.lastInitiationNanos < DIAL_INTERVAL_NANOS) {
            return false;
        }
        Session current = link.sessions().current();
        return current == null || nowNanos - current.createdNanos() > REKEY_NANOS;
    }

    private void dial(TrunkLink link, long nowNanos) {
        sender.accept(link.initiation(sessions.newIndex(), wallClock.instant(), nowNanos), link.sendAddress());
        counters.handshake(TrunkHandshake.INITIATED);
    }

    private void keepalive(TrunkLink link, long nowNanos) {
        if (sendData(link, NOTHING.duplicate())) {
            link.lastSentNanos = nowNanos;
        }
    }

    /** Ends the proof of a path whose probe went unanswered, and probes it again. */
    private void probePath(TrunkLink link, long nowNanos) {
        TrunkPath.Tick tick = link.path.tick(nowNanos);
        if (tick == TrunkPath.Tick.WAIT) {
            return;
        }
        if (tick == TrunkPath.Tick.FELL_BACK) {
            counters.pathFallback();
            String line = "trunk to the replica at %s stopped carrying datagrams of %d bytes (IP fragments dropped on the"
                    + " way?): frames over %d bytes go in pieces until it carries them again. Nothing to do";
            Object[] values = {link.address(), largestPlaintext + WireFormat.DATA_OVERHEAD, TrunkPieces.SAFE_PLAINTEXT};
            if (link.fallbacksLogged++ == 0) {
                LOG.warnf(line, values);
            } else {
                LOG.debugf(line, values);
            }
        }
        if (sendData(link, TrunkFrames.padded(TrunkFrames.PROBE, largestPlaintext))) {
            link.path.probeSent(nowNanos);
        }
    }

    /**
     * Seals {@code plain} for the link's current session and sends it; false when it has none. A probe or an echo sent
     * this way does not count as sent for the keepalive timer: on a path that drops it, the keepalive must still go.
     */
    private boolean sendData(TrunkLink link, ByteBuffer plain) {
        Session session = link.sessions().current();
        if (session == null) {
            return false;
        }
        byte[] message = new byte[plain.remaining() + WireFormat.DATA_OVERHEAD];
        session.seal(plain, ByteBuffer.wrap(message));
        sender.accept(message, link.sendAddress());
        return true;
    }

    private void heardFrom(TrunkLink link, long nowNanos) {
        link.lastReceivedNanos = nowNanos;
        link.heard = true;
        link.selfEchoes = 0;
        // SELF too: a genuine session proves the address is another replica's, whatever came back before.
        if (link.state != LinkState.UP) {
            link.state = LinkState.UP;
            for (VirtualSwitch<PortEndpoint> lan : lans) {
                link.ports.add(lan.attachTrunk(link, nowNanos));
            }
            LOG.infof("trunk to the replica at %s is up", link.address());
        }
    }

    /** Detaches the trunk's ports, forgetting the MACs behind it, and ends its sessions; it is dialed again. */
    private void down(TrunkLink link) {
        for (int i = 0; i < link.ports.size(); i++) {
            lans.get(i).detach(link.ports.get(i));
        }
        link.ports.clear();
        for (Session session : link.sessions().all()) {
            sessions.remove(session);
            link.sessions().remove(session);
        }
        link.state = LinkState.DOWN;
        link.path.reset();
        LOG.warnf("trunk to the replica at %s is down: nothing heard for %d s", link.address(), DEAD_NANOS / SECOND);
    }

    /**
     * This replica's own initiation came back to it. Its id proves that it is ours, not that the address it was sent to
     * is: anyone can send a copy back. So the link is taken for this replica itself only when the copy comes from the
     * very address it was dialed at, or after {@link #SELF_ECHOES} dials in a row came back with no genuine answer
     * between them; until then the initiation stays in flight, so that the real replica's response still completes it.
     * A link that is up is never taken for this replica, whatever comes back (a source address is easily forged): its
     * live session proves that another replica answers at that address.
     */
    private void dialedItself(int senderIndex, InetSocketAddress from) {
        TrunkLink link = dialing(senderIndex);
        if (link == null || link.state == LinkState.SELF || link.state == LinkState.UP) {
            return;
        }
        link.selfEchoes++;
        if (from.equals(link.sendAddress()) || link.selfEchoes >= SELF_ECHOES) {
            link.state = LinkState.SELF;
            link.handshakeIndex = 0;
            LOG.infof("%s is this replica itself: not dialed again", link.address());
        }
    }

    /** The link whose initiation in flight has {@code index}, or null. */
    private TrunkLink dialing(int index) {
        if (index == 0) {
            return null;
        }
        for (TrunkLink link : links.values()) {
            if (link.handshakeIndex == index) {
                return link;
            }
        }
        return null;
    }

    private TrunkLink add(InetSocketAddress address, long nowNanos) {
        HandshakeInitiator initiator = new HandshakeInitiator(privateKey, publicKey, trunkKey, id.networkName(), random);
        TrunkLink link = new TrunkLink(address, initiator, nowNanos - DIAL_INTERVAL_NANOS, largestPlaintext, counters);
        links.put(address, link);
        if (listener != null) {
            listener.added(link);
        }
        return link;
    }

    /** Forgets a link that is neither up nor holding sessions. */
    private void remove(TrunkLink link) {
        links.remove(link.sendAddress());
        if (listener != null) {
            listener.removed(link);
        }
    }
}
