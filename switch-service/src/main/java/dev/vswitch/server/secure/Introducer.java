package dev.vswitch.server.secure;

import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.keys.Keys;
import dev.vswitch.protocol.rendezvous.Rendezvous;
import dev.vswitch.server.cluster.TrunkLink;
import dev.vswitch.server.session.PortEndpoint;
import dev.vswitch.switching.MacTable;
import dev.vswitch.switching.Port;
import dev.vswitch.switching.VirtualSwitch;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * Rendezvous through the switch (docs/protocol.md, "Direct paths"): when unicast flows between two vports of a network
 * that allows direct paths, and both told the switch their endpoints, each is told of the other: its static key, its
 * MAC, its endpoint as the switch sees it (after NAT) and the endpoints it reported, so that both can try a direct
 * path at the same time. A pair is introduced again at most every {@link #REINTRODUCE_NANOS} while its unicast flows,
 * which carries a roamed endpoint to the other side.
 *
 * <ol>
 *   <li>A vport's {@link Rendezvous#ENDPOINTS} message: its endpoints are kept on its {@link Peer}.</li>
 *   <li>Each unicast frame between two such peers: a one-entry cache per sender makes the frames of a flow cost one
 *       comparison; otherwise the sender's map says when the pair was last introduced.</li>
 *   <li>Introduction: one {@link Rendezvous#PEER} message to each, sealed in its session.</li>
 *   <li>A vport's {@link Rendezvous#PATHS} message: how its punches and direct paths fared, for the metrics.</li>
 * </ol>
 *
 * <p>Across replicas the same goes over the trunk: unicast from a vport here to a MAC behind another replica sends
 * that replica a peer message about this vport, addressed to the MAC ({@link #acrossTrunk}). The other replica hands it
 * to its vport of that MAC and answers in kind about that vport, unless it introduced it to this MAC lately (then the
 * message is the answer to its own) ({@link #fromTrunk}). A vport that has not reported its endpoints yet (it joined a
 * moment ago) gets the message, and the other replica its answer, when it reports: the other replica does not send it
 * again for {@link #REINTRODUCE_NANOS}.
 *
 * Only on the event loop.
 */
final class Introducer {

    /** A pair whose unicast keeps flowing is introduced again this often: endpoints change (roaming, NAT rebinding). */
    static final long REINTRODUCE_NANOS = 30_000_000_000L;
    /** Beyond this many partners a peer's memory of introductions starts over: a bound, not a limit on partners. */
    private static final int MAX_REMEMBERED = 256;
    /** Introductions from other replicas kept for a vport until it reports its endpoints, at most. */
    static final int MAX_PENDING = 16;

    /** A peer message from another replica, over {@code link}, for a vport that had not reported its endpoints. */
    record Pending(Rendezvous.PeerIntro about, TrunkLink link, byte[] networkTag, long at) {
    }

    /** Sends a plaintext, sealed, to a vport or a trunk; false when it could not go. */
    interface Sender {
        boolean send(PortEndpoint to, ByteBuffer plaintext);
    }

    private final ByteBuffer message = ByteBuffer.allocate(512);
    /** A peer message, before the network's tag goes in front of it for a trunk. */
    private final ByteBuffer peerMessage = ByteBuffer.allocate(512);
    private final Sender sender;
    private final SecureCounters counters;

    Introducer(Sender sender, SecureCounters counters) {
        this.sender = sender;
        this.counters = counters;
    }

    /**
     * The endpoints a vport reported, and then the introductions from other replicas that waited for them; false when the
     * message is malformed.
     */
    boolean reported(Peer peer, ByteBuffer frame, int offset, int length, long now) {
        List<InetSocketAddress> endpoints = Rendezvous.readEndpoints(frame, offset, length);
        if (endpoints == null) {
            return false;
        }
        Peer.RendezvousState state = peer.rendezvous();
        state.endpoints = endpoints;
        state.mac = EthernetFrame.source(frame, offset);
        if (!state.pending.isEmpty()) {
            for (Pending pending : List.copyOf(state.pending.values())) {
                if (now - pending.at() < REINTRODUCE_NANOS) {
                    handOver(peer, pending.about(), pending.link(), pending.networkTag(), now);
                }
            }
            state.pending.clear();
        }
        return true;
    }

    /**
     * How a vport's direct paths fare: the LAN's counters move on by what changed since its last report (a report lower
     * than the last is a vport that started over, and counts from zero). False when the message is malformed.
     */
    boolean pathsReported(Peer peer, ByteBuffer frame, int offset, int length) {
        Rendezvous.PathReport report = Rendezvous.readPaths(frame, offset, length);
        if (report == null) {
            return false;
        }
        Peer.RendezvousState state = peer.rendezvous();
        Rendezvous.PathReport last = state.paths == null ? new Rendezvous.PathReport(0, 0, 0, 0) : state.paths;
        counters.pathsReported(since(report.punchedDirect(), last.punchedDirect()),
                since(report.punchedUnanswered(), last.punchedUnanswered()), since(report.lost(), last.lost()));
        state.paths = report;
        return true;
    }

    private static long since(long now, long before) {
        return now >= before ? now - before : now;
    }

    /** A unicast frame from {@code from} to {@code to}, both vports of one network that allows direct paths. */
    void unicast(Peer from, Peer to, long now) {
        Peer.RendezvousState sender = from.rendezvous();
        if (sender.endpoints == null || to.rendezvous().endpoints == null || from.address == null || to.address == null) {
            return;
        }
        if (sender.lastPartner == to && now - sender.lastPartnerAt < REINTRODUCE_NANOS) {
            return;
        }
        Long at = sender.introducedAt.get(to);
        if (at != null && now - at < REINTRODUCE_NANOS) {
            sender.lastPartner = to;
            sender.lastPartnerAt = at;
            return;
        }
        introduce(from, to);
        introduce(to, from);
        remember(from, to, now);
        remember(to, from, now);
        counters.introduced();
    }

    /**
     * A unicast frame from {@code from} to {@code destination}, a MAC behind the trunk {@code link} to another replica:
     * that replica is told of {@code from}, for the vport of that MAC, at most every {@link #REINTRODUCE_NANOS}.
     */
    void acrossTrunk(Peer from, TrunkLink link, long destination, byte[] networkTag, long now) {
        Peer.RendezvousState sender = from.rendezvous();
        if (sender.endpoints == null || from.address == null
                || (sender.lastRemoteMac == destination && now - sender.lastRemoteAt < REINTRODUCE_NANOS)) {
            return;
        }
        Long at = sender.remoteIntroducedAt.get(destination);
        if (at == null || now - at >= REINTRODUCE_NANOS) {
            sendOverTrunk(link, networkTag, destination, from);
            rememberRemote(from, destination, now);
            counters.introduced();
        } else {
            sender.lastRemoteMac = destination;
            sender.lastRemoteAt = at;
        }
    }

    /**
     * A peer message from another replica over {@code link}, in {@code network}: it goes to this replica's vport of the
     * MAC it is addressed to, which is introduced back unless it was lately. False when the message is malformed.
     */
    boolean fromTrunk(SecureNetwork network, TrunkLink link, ByteBuffer frame, int length, long now) {
        Rendezvous.PeerIntro about = Rendezvous.readPeer(frame, 0, length);
        if (about == null) {
            return false;
        }
        VirtualSwitch<PortEndpoint> lan = network.lan();
        int portId = lan.macTable().lookup(EthernetFrame.destination(frame, 0), now);
        Port<PortEndpoint> port = portId == MacTable.NO_PORT ? null : lan.ports().get(portId);
        if (port == null || !(port.endpoint() instanceof Peer to) || to.address == null
                || !network.definition().directPaths()) {
            return true; // no vport here that takes introductions: nothing to do
        }
        Peer.RendezvousState state = to.rendezvous();
        if (state.endpoints == null) { // not reported yet: it joined a moment ago, or it is a vport that never will
            if (state.pending.size() >= MAX_PENDING) {
                state.pending.clear();
            }
            state.pending.put(about.mac(), new Pending(about, link, network.trunkTag(), now));
            return true;
        }
        handOver(to, about, link, network.trunkTag(), now);
        return true;
    }

    /** Hands {@code about} from another replica to {@code to}, and answers over the trunk unless it did lately. */
    private void handOver(Peer to, Rendezvous.PeerIntro about, TrunkLink link, byte[] networkTag, long now) {
        Rendezvous.writePeer(message, to.rendezvous().mac, about);
        sender.send(to, message);
        Long at = to.rendezvous().remoteIntroducedAt.get(about.mac());
        if (at == null || now - at >= REINTRODUCE_NANOS) {
            sendOverTrunk(link, networkTag, about.mac(), to);
            rememberRemote(to, about.mac(), now);
        }
    }

    /** A peer message about {@code about}, for the vport of MAC {@code to} behind {@code link}, tagged for its network. */
    private void sendOverTrunk(TrunkLink link, byte[] networkTag, long to, Peer about) {
        Rendezvous.writePeer(peerMessage, to, new Rendezvous.PeerIntro(publicKey(about), about.rendezvous().mac, about.address,
                about.rendezvous().endpoints));
        message.clear();
        message.put(networkTag).put(peerMessage).flip();
        sender.send(link, message);
    }

    private static void rememberRemote(Peer peer, long mac, long now) {
        Peer.RendezvousState state = peer.rendezvous();
        if (state.remoteIntroducedAt.size() >= MAX_REMEMBERED) {
            state.remoteIntroducedAt.clear();
        }
        state.remoteIntroducedAt.put(mac, now);
        state.lastRemoteMac = mac;
        state.lastRemoteAt = now;
    }

    private void introduce(Peer to, Peer about) {
        Rendezvous.writePeer(message, to.rendezvous().mac, new Rendezvous.PeerIntro(publicKey(about),
                about.rendezvous().mac, about.address, about.rendezvous().endpoints));
        sender.send(to, message);
    }

    private static void remember(Peer peer, Peer partner, long now) {
        Peer.RendezvousState state = peer.rendezvous();
        Map<Peer, Long> introduced = state.introducedAt;
        if (introduced.size() >= MAX_REMEMBERED) {
            introduced.clear();
        }
        introduced.put(partner, now);
        state.lastPartner = partner;
        state.lastPartnerAt = now;
    }

    private static byte[] publicKey(Peer peer) {
        Peer.RendezvousState state = peer.rendezvous();
        if (state.publicKey == null) {
            state.publicKey = Keys.decode(peer.clientKey(), "client key");
        }
        return state.publicKey;
    }
}
