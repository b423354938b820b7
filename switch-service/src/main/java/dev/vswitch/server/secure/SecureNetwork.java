package dev.vswitch.server.secure;

import dev.vswitch.server.keys.NetworkDefinition;
import dev.vswitch.switching.SwitchSettings;
import dev.vswitch.switching.VirtualSwitch;

import java.util.HashMap;
import java.util.Map;

/** One isolated network: its definition, its members and its own switching core (MAC table, ports). */
final class SecureNetwork {

    private final NetworkDefinition definition;
    private final VirtualSwitch<Peer> lan;
    private final Map<String, Peer> peers = new HashMap<>();

    SecureNetwork(NetworkDefinition definition, SwitchSettings settings) {
        this.definition = definition;
        this.lan = new VirtualSwitch<>(definition.name(), settings);
    }

    NetworkDefinition definition() {
        return definition;
    }

    VirtualSwitch<Peer> lan() {
        return lan;
    }

    Peer peer(String clientKey) {
        return peers.computeIfAbsent(clientKey, key -> new Peer(this, key));
    }

    void forget(Peer peer) {
        peers.remove(peer.clientKey());
    }

    int peerCount() {
        return peers.size();
    }
}
