package dev.vswitch.server.secure;

import dev.vswitch.protocol.text.AddressText;
import dev.vswitch.server.session.PortEndpoint;
import dev.vswitch.server.session.SessionSlots;

import java.net.InetSocketAddress;

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

    Peer(SecureNetwork network, String clientKey) {
        this.network = network;
        this.clientKey = clientKey;
    }

    SecureNetwork network() {
        return network;
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
