package dev.vswitch.server.secure;

import dev.vswitch.protocol.text.AddressText;
import dev.vswitch.server.session.PortEndpoint;
import dev.vswitch.server.session.SessionSlots;

import dev.vswitch.protocol.rendezvous.Rendezvous;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A member of a secure network, known by its static public key: the switch port of that key. Its address
 * is wherever its last authentic packet came from, so a laptop that changes networks or a NAT that
 * rebinds keeps its port. Touched only on the switch's event loop.
 */
final class Peer implements PortEndpoint {

    private final SecureNetwork network;
    private final String clientKey;
    private final SessionSlots sessions = new SessionSlots();
    InetSocketAddress address;
    byte[] lastTimestamp;
    /** When its last authentic data message arrived. */
    long lastHeardNanos;
    /**
     * The address of a vport with this key whose live session a newer one replaced, or null: a second machine with the same
     * key. Its handshakes are refused while this key's session keeps being heard from elsewhere.
     */
    InetSocketAddress displaced;
    private RendezvousState rendezvous;

    /** What rendezvous knows of a vport ({@link Introducer}); made at its first use. */
    static final class RendezvousState {
        /** The endpoints it reported, or null when it reported none: then it is never introduced. */
        List<InetSocketAddress> endpoints;
        /** The vport's own MAC, as its endpoints message says. */
        long mac;
        /** Its static key, decoded from the client key once. */
        byte[] publicKey;
        /** The vport it was last introduced to, and when: the frames of one flow cost a comparison. */
        Peer lastPartner;
        long lastPartnerAt;
        /** When it was introduced to each vport it sent unicast to lately. */
        final Map<Peer, Long> introducedAt = new HashMap<>();
        /** The same for vports of other replicas, by MAC, with the last one apart: a flow's frames cost a comparison. */
        long lastRemoteMac;
        long lastRemoteAt;
        final Map<Long, Long> remoteIntroducedAt = new HashMap<>();
        /** Introductions from other replicas that came before its endpoints, by the MAC they are about. */
        final Map<Long, Introducer.Pending> pending = new HashMap<>();
        /** How its direct paths fared when it last said, or null. */
        Rendezvous.PathReport paths;
    }

    Peer(SecureNetwork network, String clientKey) {
        this.network = network;
        this.clientKey = clientKey;
    }

    SecureNetwork network() {
        return network;
    }

    RendezvousState rendezvous() {
        if (rendezvous == null) {
            rendezvous = new RendezvousState();
        }
        return rendezvous;
    }

    /** How many vports it reaches directly, as it last reported. */
    int directPeers() {
        return rendezvous == null || rendezvous.paths == null ? 0 : rendezvous.paths.directPeers();
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
    public String clientKey() {
        return clientKey;
    }

    @Override
    public String address() {
        return address == null ? "" : AddressText.endpoint(address);
    }


    @Override
    public String toString() {
        return clientKey.substring(0, 8) + "… at " + address;
    }
}
