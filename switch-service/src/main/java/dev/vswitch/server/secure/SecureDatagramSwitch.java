package dev.vswitch.server.secure;

import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.Keepalive;
import dev.vswitch.protocol.keys.Keys;
import dev.vswitch.protocol.noise.NoiseException;
import dev.vswitch.protocol.wire.CookieJar;
import dev.vswitch.protocol.wire.HandshakeResponder;
import dev.vswitch.protocol.wire.Session;
import dev.vswitch.protocol.wire.Timestamp;
import dev.vswitch.protocol.wire.WireFormat;
import dev.vswitch.server.SwitchConfig;
import dev.vswitch.server.keys.NetworkDefinition;
import dev.vswitch.server.keys.SwitchKeys;
import dev.vswitch.switching.DropReason;
import dev.vswitch.switching.SwitchCounters;
import dev.vswitch.switching.SwitchSettings;
import dev.vswitch.switching.ForwardingDecision;
import dev.vswitch.switching.Port;
import dev.vswitch.switching.VirtualSwitch;
import dev.vswitch.server.DatagramVerticle;
import dev.vswitch.server.PortObservers;
import dev.vswitch.server.capture.CaptureTap;
import dev.vswitch.server.capture.Captures;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The secure port: handshakes (rate-limited, cookies under load), then authenticated and encrypted data
 * messages whose frames go to their network's switching core. Networks are isolated because each has
 * its own core and a session belongs to exactly one network. Everything runs on this verticle's event
 * loop.
 */
public final class SecureDatagramSwitch extends DatagramVerticle {

    private final Map<String, SecureNetwork> networks;
    private final HandshakeResponder responder;
    private final CookieJar cookies;
    private final HandshakeGuard guard;
    private final SessionTable sessions;
    private final SecureCounters counters = new SecureCounters();
    private final ForwardingDecision<Peer> decision = new ForwardingDecision<>();
    private final ByteBuffer plain = ByteBuffer.allocate(65536);
    private final Captures captures;

    public SecureDatagramSwitch(SwitchConfig config, SwitchKeys keys, SwitchSettings settings, SecureRandom random,
                                PortObservers observers) {
        super(config, config.port(), observers.timings());
        this.captures = observers.captures();
        this.networks = new LinkedHashMap<>();
        for (NetworkDefinition definition : keys.networks()) {
            SecureNetwork network = new SecureNetwork(definition, settings);
            network.lan().onPortChanges(observers.series().listenerFor(definition.name(), Peer::clientKey));
            networks.put(definition.name(), network);
        }
        this.responder = new HandshakeResponder(keys.privateKey());
        this.cookies = new CookieJar(keys.publicKey(), random);
        SwitchConfig.Handshakes limits = config.handshakes();
        this.guard = new HandshakeGuard(limits.perSourcePerSecond(), limits.perSourceBurst(),
                limits.loadThresholdPerSecond(), limits.maxTrackedSources());
        this.sessions = new SessionTable(random);
    }

    public SecureCounters counters() {
        return counters;
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
     * Disconnects a port: its sessions end and its MACs are forgotten. The vport may handshake again (it
     * holds the keys); to keep it out, take its key off the network's allow-list. Only on the event loop.
     */
    public boolean disconnect(String network, int portId) {
        SecureNetwork found = networks.get(network);
        Port<Peer> port = found == null ? null : found.lan().ports().get(portId);
        if (port == null) {
            return false;
        }
        forget(port.endpoint());
        return true;
    }

    /** Live sessions; only on the event loop. */
    public int sessionCount() {
        return sessions.size();
    }

    @Override
    protected void onDatagram(ByteBuffer message, InetSocketAddress sender) {
        long now = System.nanoTime();
        switch (WireFormat.typeOf(message, message.position(), message.remaining())) {
            case WireFormat.TYPE_DATA -> onData(message, sender, now);
            case WireFormat.TYPE_INITIATION -> onInitiation(bytesOf(message), sender, now);
            case WireFormat.TYPE_RESPONSE, WireFormat.TYPE_COOKIE_REPLY -> counters.dropped(PacketDrop.UNEXPECTED_TYPE);
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
        sessions.remove(peer.replacePending(response.session()));
        if (peer.address == null) {
            peer.address = sender; // until the client confirms; then wherever its data comes from
        }
        send(response.message(), sender);
        counters.handshake(HandshakeResult.ACCEPTED);
    }

    private void onData(ByteBuffer message, InetSocketAddress sender, long now) {
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
        Peer peer = entry.peer();
        if (session == peer.pending) {
            sessions.remove(peer.confirm(session));
            counters.handshake(HandshakeResult.CONFIRMED);
        }
        if (!sender.equals(peer.address)) {
            peer.address = sender; // authenticated, so the session may move: roaming, NAT rebinding
            counters.roamed();
        }
        plain.flip();
        onFrame(peer, now);
    }

    private void onFrame(Peer peer, long now) {
        int length = plain.remaining();
        VirtualSwitch<Peer> lan = peer.network().lan();
        if (length == 0 || Keepalive.kind(plain, 0, length) == Keepalive.REQUEST) {
            long source = length == 0 ? 0 : EthernetFrame.source(plain, 0);
            if (lan.keepalive(peer, source, now) != null && length > 0) {
                Keepalive.writeReply(plain, source);
                seal(peer);
            }
            return;
        }
        long destination = length >= EthernetFrame.HEADER_LENGTH ? EthernetFrame.destination(plain, 0) : 0;
        long source = length >= EthernetFrame.HEADER_LENGTH ? EthernetFrame.source(plain, 0) : 0;
        lan.forward(peer, length, destination, source, now, decision);
        if (captures.active() && decision.action() != ForwardingDecision.Action.DROP) {
            int egress = decision.action() == ForwardingDecision.Action.UNICAST ? decision.egress().id() : CaptureTap.ANY_PORT;
            captures.offer(lan.name(), decision.ingress().id(), egress, plain.array(), 0, length);
        }
        switch (decision.action()) {
            case UNICAST -> forwardTo(decision.egress());
            case FLOOD -> flood(lan, decision.ingress());
            case DROP -> { }
        }
    }

    private void flood(VirtualSwitch<Peer> lan, Port<Peer> ingress) {
        int count = lan.livePortCount();
        for (int i = 0; i < count; i++) {
            Port<Peer> target = lan.floodTarget(i, ingress);
            if (target != null) {
                forwardTo(target);
            }
        }
    }

    private void forwardTo(Port<Peer> port) {
        int length = seal(port.endpoint());
        SwitchCounters counters = port.endpoint().network().lan().counters();
        if (length > 0) {
            port.sent(length);
            counters.sent(decision.kind(), length);
        } else if (length < 0) {
            counters.dropped(DropReason.SEND_QUEUE_FULL);
        }
    }

    /**
     * Seals the frame in {@code plain} for {@code peer}'s current session and sends it; returns the frame length,
     * 0 when the peer has no session yet, -1 when the send queue is full.
     */
    private int seal(Peer peer) {
        Session session = peer.current;
        if (session == null || peer.address == null) {
            return 0;
        }
        int length = plain.limit();
        int sealed = length + WireFormat.DATA_OVERHEAD;
        ByteBuf out = datagramBuffer(sealed);
        plain.position(0);
        session.seal(plain, out.nioBuffer(0, sealed));
        out.writerIndex(sealed);
        return send(out, peer.address) ? length : -1;
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
            Peer peer = entry.peer();
            peer.remove(entry.session());
            if (unconfirmed) {
                counters.handshake(HandshakeResult.UNCONFIRMED);
            }
            if (!peer.hasSessions()) {
                forget(peer);
            }
        });
        for (SecureNetwork network : networks.values()) {
            network.lan().sweep(now);
        }
        counters.sessions(sessions.size());
    }

    private void forget(Peer peer) {
        for (Session session : peer.sessions()) {
            sessions.remove(session);
            peer.remove(session);
        }
        Port<Peer> port = peer.network().lan().ports().find(peer);
        if (port != null) {
            peer.network().lan().detach(port);
        }
        peer.network().forget(peer);
    }

    private static byte[] addressBytes(InetSocketAddress address) {
        return address.getAddress().getAddress();
    }

    private static byte[] bytesOf(ByteBuffer message) {
        byte[] bytes = new byte[message.remaining()];
        message.duplicate().get(bytes);
        return bytes;
    }
}
