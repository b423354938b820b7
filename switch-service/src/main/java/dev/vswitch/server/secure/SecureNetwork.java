package dev.vswitch.server.secure;

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

    SecureNetwork(NetworkDefinition definition, SwitchSettings settings) {
        this.definition = definition;
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

    Peer peer(String clientKey) {
        return peers.computeIfAbsent(clientKey, key -> new Peer(this, key));
    }

    void forget(Peer peer) {
        peers.remove(peer.clientKey());
    }
}
