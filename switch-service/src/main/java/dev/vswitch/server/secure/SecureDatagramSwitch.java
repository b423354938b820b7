package dev.vswitch.server.secure;

import dev.vswitch.protocol.keys.Keys;
import dev.vswitch.protocol.noise.NoiseException;
import dev.vswitch.protocol.wire.CookieJar;
import dev.vswitch.protocol.wire.HandshakeResponder;
import dev.vswitch.protocol.wire.Session;
import dev.vswitch.protocol.wire.Timestamp;
import dev.vswitch.protocol.wire.WireFormat;
import dev.vswitch.server.DatagramVerticle;
import dev.vswitch.server.PortObservers;
import dev.vswitch.server.SwitchConfig;
import dev.vswitch.server.cluster.ClusterSettings;
import dev.vswitch.server.cluster.PeerDiscovery;
import dev.vswitch.server.cluster.ReplicaId;
import dev.vswitch.server.cluster.ReplicaMesh;
import dev.vswitch.server.cluster.TrunkLink;
import dev.vswitch.server.keys.NetworkDefinition;
import dev.vswitch.server.keys.SwitchKeys;
import dev.vswitch.switching.Port;
import dev.vswitch.switching.SwitchCounters;
import dev.vswitch.switching.SwitchSettings;
import dev.vswitch.switching.VirtualSwitch;
import java.net.InetSocketAddress;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The secure port: handshakes (rate-limited, cookies under load), then authenticated and encrypted data
 * messages whose frames go to their network's switching core. Networks are isolated because each has
 * its own core and a session belongs to exactly one network. With clustering on, the same port carries the
 * trunks to the other replicas ({@link ReplicaMesh}), whose sessions carry every network's frames, each
 * tagged with its network. Everything runs on this verticle's event loop.
 */
public final class SecureDatagramSwitch extends DatagramVerticle {

    private final Map<String, SecureNetwork> networks;
    private final HandshakeResponder responder;
    private final CookieJar cookies;
    private final HandshakeGuard guard;
    private final SessionTable sessions;
    private final SecureCounters counters = new SecureCounters();
    private final FrameForwarder forwarder;
    private final ClusterSettings cluster;
    private final ReplicaMesh mesh;

    /** @param cluster the cluster settings, or null when clustering is off */
    public SecureDatagramSwitch(SwitchConfig config, SwitchKeys keys, SwitchSettings settings, ClusterSettings cluster,
                                SecureRandom random, PortObservers observers) {
        super(config, config.port(), observers.timings());
        this.networks = new LinkedHashMap<>();
        for (NetworkDefinition definition : keys.networks()) {
            SecureNetwork network = new SecureNetwork(definition, settings);
            network.lan().onPortChanges(observers.series().listenerFor(definition.name(),
                    endpoint -> endpoint.clientKey() != null ? endpoint.clientKey() : endpoint.address()));
            networks.put(definition.name(), network);
        }
        this.responder = new HandshakeResponder(keys.privateKey());
        this.cookies = new CookieJar(keys.publicKey(), random);
        SwitchConfig.Handshakes limits = config.handshakes();
        this.guard = new HandshakeGuard(limits.perSourcePerSecond(), limits.perSourceBurst(),
                limits.loadThresholdPerSecond(), limits.maxTrackedSources());
        this.sessions = new SessionTable(random);
        this.forwarder = new FrameForwarder(networks.values().toArray(SecureNetwork[]::new), observers.captures(),
                counters, this);
        this.cluster = cluster;
        List<VirtualSwitch<PortEndpoint>> lans = networks.values().stream().map(SecureNetwork::lan).toList();
        this.mesh = cluster == null ? null
                : new ReplicaMesh(cluster, keys, responder, sessions, lans, random, Clock.systemUTC(), this::send);
    }

    public SecureCounters counters() {
        return counters;
    }

    /** The mesh of trunks to the other replicas, or null when clustering is off; touch it only on the event loop. */
    public ReplicaMesh mesh() {
        return mesh;
    }

    /** The switching core of a network, or null; only on the event loop. */
    public VirtualSwitch<?> lan(String network) {
        SecureNetwork found = networks.get(network);
        return found == null ? null : found.lan();
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
        Port<PortEndpoint> port = found == null ? null : found.lan().ports().get(portId);
        if (port == null || port.isTrunk()) {
            return false;
        }
        forget((Peer) port.endpoint());
        return true;
    }

    /** Live sessions; only on the event loop. */
    public int sessionCount() {
        return sessions.size();
    }

    @Override
    protected void listening() {
        if (mesh != null) {
            new PeerDiscovery(cluster, boundPort(), context, mesh::discovered).start();
        }
    }

    @Override
    protected void onDatagram(ByteBuffer message, InetSocketAddress sender) {
        long now = System.nanoTime();
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
            default -> counters.dropped(PacketDrop.MALFORMED);
        }
    }

    private void onInitiation(byte[] message, InetSocketAddress sender, long now) {
        if (!responder.mac1Valid(message)) {
            counters.handshake(HandshakeResult.BAD_MAC1);
            return;
        }
        if (guard.countAndCheckLoad(now) && !mac2Valid(message, sender, now)) {
            int senderIndex = ByteBuffer.wrap(message).getInt(WireFormat.HEADER_LENGTH);
            send(cookies.reply(message, senderIndex, addressBytes(sender), sender.getPort(), now), sender);
            counters.handshake(HandshakeResult.COOKIE_SENT);
            return;
        }
        if (!guard.allow(sender.getAddress().getHostAddress(), now)) {
            counters.handshake(HandshakeResult.RATE_LIMITED);
            return;
        }
        HandshakeResponder.Initiation initiation;
        try {
            initiation = responder.readInitiation(message);
        } catch (NoiseException e) {
            counters.handshake(HandshakeResult.DECRYPT_FAILED);
            return;
        }
        if (mesh != null && ReplicaId.isTrunkName(initiation.network())) {
            mesh.onInitiation(initiation, sender, now);
            return;
        }
        SecureNetwork network = networks.get(initiation.network());
        if (network == null) {
            counters.handshake(HandshakeResult.UNKNOWN_NETWORK);
            return;
        }
        String clientKey = Keys.encode(initiation.initiatorStatic());
        if (!network.definition().admits(clientKey)) {
            counters.handshake(HandshakeResult.CLIENT_NOT_ALLOWED);
            return;
        }
        Peer peer = network.peer(clientKey);
        if (!Timestamp.isNewer(initiation.timestamp(), peer.lastTimestamp)) {
            counters.handshake(HandshakeResult.REPLAYED);
            return;
        }
        peer.lastTimestamp = initiation.timestamp();
        HandshakeResponder.Response response = responder.respond(initiation, network.definition().key(),
                sessions.newIndex(), now);
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
            mesh.onData(link, session, now);
            forwarder.fromTrunk(link, now);
            return;
        }
        Peer peer = (Peer) entry.owner();
        if (session == peer.sessions().pending()) {
            sessions.remove(peer.sessions().confirm(session));
            counters.handshake(HandshakeResult.CONFIRMED);
        }
        if (!sender.equals(peer.address)) {
            peer.address = sender; // authenticated, so the session may move: roaming, NAT rebinding
            counters.roamed();
        }
        forwarder.fromVport(peer, offloaded, now);
    }

    private void send(byte[] datagram, InetSocketAddress to) {
        send(datagramBuffer(datagram.length).writeBytes(datagram), to);
    }

    private boolean mac2Valid(byte[] message, InetSocketAddress sender, long now) {
        return cookies.mac2Valid(message, addressBytes(sender), sender.getPort(), now);
    }

    @Override
    protected void sweep(long now) {
        guard.sweep(now);
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
        for (SecureNetwork network : networks.values()) {
            network.lan().sweep(now);
        }
        counters.sessions(sessions.size());
    }

    private void forget(Peer peer) {
        for (Session session : peer.sessions().all()) {
            sessions.remove(session);
            peer.sessions().remove(session);
        }
        Port<PortEndpoint> port = peer.network().lan().ports().find(peer);
        if (port != null) {
            peer.network().lan().detach(port);
        }
        peer.network().forget(peer);
    }

    private static byte[] addressBytes(InetSocketAddress address) {
        return address.getAddress().getAddress();
    }
}
