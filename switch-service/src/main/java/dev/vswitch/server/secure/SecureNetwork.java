package dev.vswitch.server.secure;

import dev.vswitch.server.session.PortEndpoint;

import dev.vswitch.server.cluster.TrunkFrames;
import dev.vswitch.server.keys.NetworkDefinition;
import dev.vswitch.switching.SwitchSettings;
import dev.vswitch.switching.VirtualSwitch;

import java.util.HashMap;
import java.util.Map;

/**
 * One isolated network: its definition, its members, its own switching core (MAC table, ports) and the tag
 * its frames carry on trunks to other replicas.
 */
final class SecureNetwork {

    private final NetworkDefinition definition;
    private final VirtualSwitch<PortEndpoint> lan;
    private final byte[] trunkTag;
    private final Map<String, Peer> peers = new HashMap<>();
    private final ReplayMemory replayMemory;

    /** @param replayMemory how many client keys' newest handshake timestamps are kept after their peers are forgotten */
    SecureNetwork(NetworkDefinition definition, SwitchSettings settings, int replayMemory) {
        this.definition = definition;
        this.replayMemory = new ReplayMemory(replayMemory);
        this.lan = new VirtualSwitch<>(definition.name(), settings);
        this.trunkTag = TrunkFrames.tag(definition.name());
    }

    NetworkDefinition definition() {
        return definition;
    }

    VirtualSwitch<PortEndpoint> lan() {
        return lan;
    }

    byte[] trunkTag() {
        return trunkTag;
    }

    /** The member with this key; a new one starts from the newest timestamp remembered for the key, if any. */
    Peer peer(String clientKey) {
        return peers.computeIfAbsent(clientKey, key -> {
            Peer peer = new Peer(this, key);
            peer.lastTimestamp = replayMemory.lastTimestamp(key);
            return peer;
        });
    }

    /** A handshake from {@code peer} was accepted with {@code timestamp}: it and the replay memory move on to it. */
    void accepted(Peer peer, byte[] timestamp) {
        peer.lastTimestamp = timestamp;
        replayMemory.remember(peer.clientKey(), timestamp);
    }

    void forget(Peer peer) {
        peers.remove(peer.clientKey());
    }

    /** How many vports its members reach directly, as they last reported: each direct path counts at both ends. */
    int directPeers() {
        int direct = 0;
        for (Peer peer : peers.values()) {
            direct += peer.directPeers();
        }
        return direct;
    }
}
