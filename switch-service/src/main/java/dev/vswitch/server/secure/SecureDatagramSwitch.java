package dev.vswitch.server.secure;

import dev.vswitch.protocol.keys.Keys;
import dev.vswitch.protocol.noise.NoiseException;
import dev.vswitch.protocol.text.AddressText;
import dev.vswitch.protocol.wire.CookieJar;
import dev.vswitch.protocol.wire.HandshakeRefusal.Reason;
import dev.vswitch.protocol.wire.HandshakeRefusal;
import dev.vswitch.protocol.wire.HandshakeResponder;
import dev.vswitch.protocol.wire.Session;
import dev.vswitch.protocol.wire.Timestamp;
import dev.vswitch.protocol.wire.WireFormat;
import dev.vswitch.server.capture.Captures;
import dev.vswitch.server.config.SwitchConfig;
import dev.vswitch.server.cluster.ClusterSettings;
import dev.vswitch.server.cluster.ReplicaId;
import dev.vswitch.server.cluster.ReplicaMesh;
import dev.vswitch.server.cluster.TrunkLink;
import dev.vswitch.server.keys.NetworkDefinition;
import dev.vswitch.server.keys.SwitchKeys;
import dev.vswitch.server.session.PortEndpoint;
import dev.vswitch.server.session.SessionTable;
import dev.vswitch.server.udp.DatagramHandler;
import dev.vswitch.server.udp.DatagramPort;
import dev.vswitch.switching.Port;
import dev.vswitch.switching.SwitchCounters;
import dev.vswitch.switching.SwitchSettings;
import dev.vswitch.switching.VirtualSwitch;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The secure port: handshakes (rate-limited, cookies under load), then authenticated and encrypted data
 * messages whose frames go to their network's switching core. Networks are isolated because each has
 * its own core and a session belongs to exactly one network. With clustering on, the same port carries the
 * trunks to the other replicas ({@link ReplicaMesh}), whose sessions carry every network's frames, each
 * tagged with its network. It is its UDP port's {@link DatagramHandler}: everything runs on that port's event loop,
 * except the handshakes' Diffie-Hellman ({@link HandshakeWorkers}).
 *
 * <p>An initiation it will not take is counted by reason, logged (rate-limited, {@link RefusalLog}) and, unless
 * {@code vswitch.handshakes.explain-refusals} is off, answered with a 12-byte {@link HandshakeRefusal} within the
 * sender's rate limit, so the vport can tell its user what to fix.
 *
 * <p>One client key, one vport: when a handshake from a new address replaces a session still heard from another one
 * within {@link #KEY_IN_USE_NANOS}, the new vport keeps the port, the old session is dropped, and the old address's
 * handshakes are refused ({@link Reason#KEY_IN_USE}) for as long as the new one stays live. A vport that restarted or
 * moved never comes back from its old address, so it is not affected.
 */
public final class SecureDatagramSwitch implements DatagramHandler {

    /** How recently a key's session must have been heard for a handshake from elsewhere to count as a second vport. */
    static final long KEY_IN_USE_NANOS = 15_000_000_000L;
    /** How long a source whose handshake was confirmed counts as known (its rekeys come every two minutes). */
    static final long KNOWN_SOURCE_NANOS = 10 * 60 * 1_000_000_000L;

    private static final Logger LOG = Logger.getLogger(SecureDatagramSwitch.class);

    private final DatagramPort port;
    private final Map<String, SecureNetwork> networks;
    private final HandshakeResponder responder;
    private final CookieJar cookies;
    private final HandshakeGuard guard;
    private final SessionTable sessions;
    private final SecureCounters counters = new SecureCounters();
    private final FrameForwarder forwarder;
    private final ReplicaMesh mesh;
    private final boolean explainRefusals;
    private final HandshakeWorkers workers;
    /** Where handshakes were confirmed lately, and when: their initiations go ahead of strangers'. Event loop only. */
    private final Map<InetSocketAddress, Long> knownSources = new HashMap<>();
    private final SecureRandom indexRandom;
    private final RefusalLog refusalLog = new RefusalLog();

    /**
     * @param port      the UDP port it sends through and whose event loop it runs on
     * @param cluster   the cluster settings, or null when clustering is off
     * @param wallClock the time the mesh's handshake timestamps carry
     */
    public SecureDatagramSwitch(DatagramPort port, SwitchConfig config, SwitchKeys keys, SwitchSettings settings,
                                ClusterSettings cluster, SecureRandom random, Captures captures, Clock wallClock) {
        this.port = port;
        this.networks = new LinkedHashMap<>();
        for (NetworkDefinition definition : keys.networks()) {
            networks.put(definition.name(), new SecureNetwork(definition, settings, config.handshakes().replayMemory()));
        }
        this.responder = new HandshakeResponder(keys.privateKey(), random);
        this.cookies = new CookieJar(keys.publicKey(), random);
        SwitchConfig.Handshakes limits = config.handshakes();
        this.guard = new HandshakeGuard(limits.perSourcePerSecond(), limits.perSourceBurst(),
                limits.loadThresholdPerSecond(), limits.maxTrackedSources());
        this.explainRefusals = limits.explainRefusals();
        this.workers = new HandshakeWorkers(limits.workers(), limits.queue(), counters, this::readAndAnswer);
        this.indexRandom = random;
        this.sessions = new SessionTable(random);
        this.forwarder = new FrameForwarder(networks.values().toArray(SecureNetwork[]::new), captures, counters, port);
        List<VirtualSwitch<PortEndpoint>> lans = networks.values().stream().map(SecureNetwork::lan).toList();
        this.mesh = cluster == null ? null
                : new ReplicaMesh(cluster, keys, responder, sessions, lans, random, wallClock, this::send);
    }

    public SecureCounters counters() {
        return counters;
    }

    /** The mesh of trunks to the other replicas, or null when clustering is off; touch it only on the event loop. */
    public ReplicaMesh mesh() {
        return mesh;
    }

    /** The switching core of a network, or null; only on the event loop. */
    public VirtualSwitch<PortEndpoint> lan(String network) {
        SecureNetwork found = networks.get(network);
        return found == null ? null : found.lan();
    }

    /** The names of the networks, in their configured order. */
    public List<String> networkNames() {
        return List.copyOf(networks.keySet());
    }

    /** Each network's counters, safe to read from any thread. */
    public Map<String, SwitchCounters> networkCounters() {
        Map<String, SwitchCounters> all = new LinkedHashMap<>();
        networks.forEach((name, network) -> all.put(name, network.lan().counters()));
        return all;
    }

    /**
     * Disconnects a vport's port: its sessions end and its MACs are forgotten. The vport may handshake again
     * (it holds the keys); to keep it out, take its key off the network's allow-list. A trunk port is not a
     * vport's: it follows its link to the other replica. Only on the event loop.
     */
    public boolean disconnect(String network, int portId) {
        SecureNetwork found = networks.get(network);
        Port<PortEndpoint> vportPort = found == null ? null : found.lan().ports().get(portId);
        if (vportPort == null || vportPort.isTrunk()) {
            return false;
        }
        forget((Peer) vportPort.endpoint());
        return true;
    }

    /**
     * The switch is shutting down: keepalive replies carry the draining flag from now on, so vports that know other
     * replicas move to one while this one still forwards. Only on the event loop.
     */
    public void startDraining() {
        forwarder.startDraining();
    }

    /** Live sessions; only on the event loop. */
    public int sessionCount() {
        return sessions.size();
    }

    @Override
    public void listening() {
        workers.start();
    }

    @Override
    public void stopping() {
        workers.close();
    }

    @Override
    public void onDatagram(ByteBuffer message, InetSocketAddress sender, long now) {
        switch (WireFormat.typeOf(message, message.position(), message.remaining())) {
            case WireFormat.TYPE_DATA -> onData(message, sender, now, false);
            case WireFormat.TYPE_DATA_OFFLOAD -> onData(message, sender, now, true);
            case WireFormat.TYPE_INITIATION -> onInitiation(WireFormat.copyOf(message), sender, now);
            case WireFormat.TYPE_RESPONSE -> {
                if (mesh == null || !mesh.onResponse(WireFormat.copyOf(message), now)) {
                    counters.dropped(PacketDrop.UNEXPECTED_TYPE);
                }
            }
            case WireFormat.TYPE_COOKIE_REPLY -> {
                if (mesh == null || !mesh.onCookieReply(WireFormat.copyOf(message), now)) {
                    counters.dropped(PacketDrop.UNEXPECTED_TYPE);
                }
            }
            case WireFormat.TYPE_HANDSHAKE_REFUSED -> counters.dropped(PacketDrop.UNEXPECTED_TYPE);
            default -> counters.dropped(PacketDrop.MALFORMED);
        }
    }

    // ---- handshakes: the cheap checks on the event loop, the Diffie-Hellman on the workers -----------

    /**
     * 1. mac1 (one HMAC): else refused as made for another switch's key. 2. Under load, mac2 (a cookie): else a cookie
     * reply. 3. The source's rate limit (its address, or its /64 for IPv6). 4. Queued for a handshake worker, known
     * sources ahead of strangers, and strangers served in turn by source; {@link #readAndAnswer} goes on from there, off
     * this thread.
     */
    private void onInitiation(byte[] message, InetSocketAddress sender, long now) {
        if (!responder.mac1Valid(message)) {
            counters.handshake(HandshakeResult.BAD_MAC1);
            // Only within the source's rate limit: a refusal is small, but a flood of junk must not become a flood of them.
            boolean answer = explainRefusals && guard.allow(HandshakeGuard.sourceOf(sender), now);
            refuse(message, sender, Reason.UNKNOWN_SWITCH_KEY, now, answer, () -> "refused a handshake from "
                    + AddressText.endpoint(sender) + ": it was made for another switch's key (a join token from another"
                    + " switch, or this switch's key changed: hand out this switch's tokens again)");
            return;
        }
        if (guard.countAndCheckLoad(now) && !mac2Valid(message, sender, now)) {
            int senderIndex = HandshakeRefusal.senderIndexOf(message);
            send(cookies.reply(message, senderIndex, HandshakeGuard.cookieSource(sender), sender.getPort(), now), sender);
            counters.handshake(HandshakeResult.COOKIE_SENT);
            return;
        }
        String source = HandshakeGuard.sourceOf(sender);
        if (!guard.allow(source, now)) {
            counters.handshake(HandshakeResult.RATE_LIMITED);
            return;
        }
        workers.submit(new HandshakeWorkers.Job(message, sender, now), knownSources.containsKey(sender), source);
    }

    /**
     * On a handshake worker: 5. decrypts the initiation (junk ends here, after one Diffie-Hellman). 6. Checks what needs
     * no switching state: the network exists and admits the key. 7. Writes the response. 8. Hands it to the event loop
     * ({@link #acceptOnEventLoop}). Reads only what never changes after construction ({@link #networks}, the keys).
     */
    private void readAndAnswer(HandshakeWorkers.Job job) {
        InetSocketAddress sender = job.sender();
        long now = job.receivedNanos();
        HandshakeResponder.Initiation initiation;
        try {
            initiation = responder.readInitiation(job.message());
        } catch (NoiseException e) {
            counters.handshake(HandshakeResult.DECRYPT_FAILED);
            return;
        }
        if (mesh != null && ReplicaId.isTrunkName(initiation.network())) {
            port.runOnEventLoop(() -> mesh.onInitiation(initiation, sender, now));
            return;
        }
        SecureNetwork network = networks.get(initiation.network());
        String clientKey = Keys.encode(initiation.initiatorStatic());
        String name = RefusalLog.printable(initiation.network());
        if (network == null) {
            counters.handshake(HandshakeResult.UNKNOWN_NETWORK);
            port.runOnEventLoop(() -> refuse(job.message(), sender, Reason.UNKNOWN_NETWORK, now, explainRefusals,
                    () -> "refused a handshake from " + AddressText.endpoint(sender) + " (key " + RefusalLog.fingerprint(clientKey)
                            + "): this switch has no network '" + name + "' (its networks: "
                            + String.join(", ", networks.keySet()) + ")"));
            return;
        }
        if (!network.definition().admits(clientKey)) {
            counters.handshake(HandshakeResult.CLIENT_NOT_ALLOWED);
            port.runOnEventLoop(() -> refuse(job.message(), sender, Reason.CLIENT_NOT_ALLOWED, now, explainRefusals,
                    () -> "refused a handshake from " + AddressText.endpoint(sender) + ": key " + RefusalLog.fingerprint(clientKey)
                            + " is not on the allow-list of network '" + name + "' (vswitch.networks." + name
                            + ".allowed-clients)"));
            return;
        }
        HandshakeResponder.Response response = responder.respond(initiation, network.definition().key(),
                workerIndex(), now);
        port.runOnEventLoop(() -> acceptOnEventLoop(job.message(), initiation, response, network, clientKey, sender, now));
    }

    /** A random session index, never 0; {@link #acceptOnEventLoop} drops the rare one already in use. */
    private int workerIndex() {
        int index;
        do {
            index = indexRandom.nextInt();
        } while (index == 0);
        return index;
    }

    /**
     * Back on the event loop: 9. the checks that need the peers' state (key in use elsewhere, timestamp newer than the
     * last accepted), then 10. the session is installed (pending until the client's first data) and the response sent.
     */
    private void acceptOnEventLoop(byte[] message, HandshakeResponder.Initiation initiation,
            HandshakeResponder.Response response, SecureNetwork network, String clientKey, InetSocketAddress sender,
            long now) {
        if (sessions.get(response.session().localIndex()) != null) {
            counters.handshake(HandshakeResult.BUSY); // one in four billion: the vport retries
            return;
        }
        String name = network.definition().name();
        Peer peer = network.peer(clientKey);
        if (sender.equals(peer.displaced) && !sender.equals(peer.address) && now - peer.lastHeardNanos < KEY_IN_USE_NANOS) {
            counters.handshake(HandshakeResult.KEY_IN_USE);
            refuse(message, sender, Reason.KEY_IN_USE, now, explainRefusals, () -> "refused a handshake from "
                    + AddressText.endpoint(sender) + ": key " + RefusalLog.fingerprint(clientKey) + " of network '" + name
                    + "' is in use by the vport at " + peer.address() + " (two machines with one key? give each its own"
                    + " key file)");
            return;
        }
        if (!Timestamp.isNewer(initiation.timestamp(), peer.lastTimestamp)) {
            counters.handshake(HandshakeResult.REPLAYED);
            refuse(message, sender, Reason.STALE_TIMESTAMP, now, explainRefusals, () -> "refused a handshake from "
                    + AddressText.endpoint(sender) + ": key " + RefusalLog.fingerprint(clientKey) + " of network '" + name
                    + "' sent a timestamp not newer than its last accepted one (a replayed initiation, or that"
                    + " machine's clock went back)");
            return;
        }
        network.accepted(peer, initiation.timestamp());
        sessions.add(response.session(), peer);
        sessions.remove(peer.sessions().replacePending(response.session()));
        if (peer.address == null) {
            peer.address = sender; // until the client confirms; then wherever its data comes from
        }
        send(response.message(), sender);
        counters.handshake(HandshakeResult.ACCEPTED);
    }

    private void onData(ByteBuffer message, InetSocketAddress sender, long now, boolean offloaded) {
        SessionTable.Entry entry = sessions.get(Session.receiverIndexOf(message));
        if (entry == null) {
            counters.dropped(PacketDrop.UNKNOWN_SESSION);
            return;
        }
        Session session = entry.session();
        if (session.isExpired(now)) {
            counters.dropped(PacketDrop.EXPIRED_SESSION);
            return;
        }
        ByteBuffer plain = forwarder.plain();
        plain.clear();
        Session.Verdict verdict = session.open(message, plain);
        if (verdict != Session.Verdict.OK) {
            counters.dropped(switch (verdict) {
                case REPLAYED -> PacketDrop.REPLAYED;
                case TOO_OLD -> PacketDrop.TOO_OLD;
                default -> PacketDrop.FORGED;
            });
            return;
        }
        plain.flip();
        if (entry.owner() instanceof TrunkLink link) {
            if (offloaded) {
                counters.dropped(PacketDrop.UNEXPECTED_TYPE); // replicas carry ordinary frames only
                return;
            }
            if (!mesh.onData(link, session, plain, now)) {
                forwarder.fromTrunk(link, now);
            }
            return;
        }
        Peer peer = (Peer) entry.owner();
        if (session == peer.sessions().pending()) {
            boolean replacesLiveVport = peer.address != null && !sender.equals(peer.address)
                    && peer.sessions().current() != null && now - peer.lastHeardNanos < KEY_IN_USE_NANOS;
            sessions.remove(peer.sessions().confirm(session));
            counters.handshake(HandshakeResult.CONFIRMED);
            knownSources.put(sender, now);
            if (replacesLiveVport) {
                replace(peer, sender);
            }
        }
        peer.lastHeardNanos = now;
        if (!sender.equals(peer.address)) {
            peer.address = sender; // authenticated, so the session may move: roaming, NAT rebinding
            counters.roamed();
            knownSources.put(sender, now);
        }
        forwarder.fromVport(peer, offloaded, now);
    }

    /**
     * A new vport with this key proved itself while the old one's session was live: the old session goes, so the old
     * vport's data no longer authenticates (and cannot pull the port back by roaming), and its handshakes are refused.
     */
    private void replace(Peer peer, InetSocketAddress newcomer) {
        Session old = peer.sessions().dropPrevious();
        sessions.remove(old);
        peer.displaced = peer.address;
        LOG.warnf("key %s of network '%s' connected from %s while its session from %s was live: the new one replaces it,"
                        + " and handshakes from %s are refused while it stays (two machines with one key?)",
                RefusalLog.fingerprint(peer.clientKey()), peer.network().definition().name(), AddressText.endpoint(newcomer),
                peer.address(), peer.address());
    }

    /**
     * Counts nothing (the caller has): logs the reason, rate-limited, and with {@code answer} sends the refusal (every
     * caller has checked the sender's rate limit by then).
     */
    private void refuse(byte[] initiation, InetSocketAddress sender, Reason reason, long now, boolean answer,
            Supplier<String> line) {
        refusalLog.refused(reason, now, line);
        if (answer) {
            send(HandshakeRefusal.encode(HandshakeRefusal.senderIndexOf(initiation), reason), sender);
        }
    }

    private void send(byte[] datagram, InetSocketAddress to) {
        port.send(port.datagramBuffer(datagram.length).writeBytes(datagram), to);
    }

    private boolean mac2Valid(byte[] message, InetSocketAddress sender, long now) {
        return cookies.mac2Valid(message, HandshakeGuard.cookieSource(sender), sender.getPort(), now);
    }

    @Override
    public void sweep(long now) {
        guard.sweep(now);
        knownSources.values().removeIf(confirmed -> now - confirmed > KNOWN_SOURCE_NANOS);
        sessions.sweep(now, (entry, unconfirmed) -> {
            if (entry.owner() instanceof TrunkLink link) {
                mesh.sessionRemoved(link, entry.session(), unconfirmed);
                return;
            }
            Peer peer = (Peer) entry.owner();
            peer.sessions().remove(entry.session());
            if (unconfirmed) {
                counters.handshake(HandshakeResult.UNCONFIRMED);
            }
            if (peer.sessions().isEmpty()) {
                forget(peer);
            }
        });
        if (mesh != null) {
            mesh.tick(now);
        }
        int directPeers = 0;
        for (SecureNetwork network : networks.values()) {
            network.lan().sweep(now);
            directPeers += network.directPeers();
        }
        counters.sessions(sessions.size());
        counters.directPaths(directPeers / 2);
    }

    private void forget(Peer peer) {
        for (Session session : peer.sessions().all()) {
            sessions.remove(session);
            peer.sessions().remove(session);
        }
        Port<PortEndpoint> vportPort = peer.network().lan().ports().find(peer);
        if (vportPort != null) {
            peer.network().lan().detach(vportPort);
        }
        peer.network().forget(peer);
    }

}
