package dev.vswitch.server.secure;

import dev.vswitch.protocol.wire.Session;
import dev.vswitch.server.EndpointInfo;
import dev.vswitch.server.Endpoints;
import java.net.InetSocketAddress;

/**
 * A member of a secure network, known by its static public key: the switch port of that key. Its address
 * is wherever its last authentic packet came from, so a laptop that changes networks or a NAT that
 * rebinds keeps its port. Up to three sessions: the one being confirmed, the current and the previous
 * (still accepted for packets in flight during a rekey). Touched only on the switch's event loop.
 */
final class Peer implements EndpointInfo {

    private final SecureNetwork network;
    private final String clientKey;
    InetSocketAddress address;
    Session pending;
    Session current;
    Session previous;
    byte[] lastTimestamp;

    Peer(SecureNetwork network, String clientKey) {
        this.network = network;
        this.clientKey = clientKey;
    }

    SecureNetwork network() {
        return network;
    }

    @Override
    public String clientKey() {
        return clientKey;
    }

    /** Installs a freshly answered handshake's session; returns the pending one it replaces, if any. */
    Session replacePending(Session session) {
        Session replaced = pending;
        pending = session;
        return replaced;
    }

    /**
     * The client proved it holds {@code session}'s keys: it becomes current, the current one becomes the
     * previous. Returns the session that falls out (the old previous), if any.
     */
    Session confirm(Session session) {
        if (session != pending) {
            return null;
        }
        Session retired = previous;
        previous = current;
        current = session;
        pending = null;
        return retired;
    }

    /** Drops {@code session} wherever it sits. */
    void remove(Session session) {
        if (session == null) {
            return;
        }
        if (pending == session) {
            pending = null;
        }
        if (current == session) {
            current = null;
        }
        if (previous == session) {
            previous = null;
        }
    }

    boolean hasSessions() {
        return pending != null || current != null || previous != null;
    }

    @Override
    public String address() {
        return address == null ? "" : Endpoints.text(address);
    }

    @Override
    public long sessionAgeSeconds(long nowNanos) {
        Session session = current;
        return session == null ? -1 : (nowNanos - session.createdNanos()) / 1_000_000_000L;
    }

    /** Every session of this peer, for removal. */
    Session[] sessions() {
        return new Session[] {pending, current, previous};
    }

    @Override
    public String toString() {
        return clientKey.substring(0, 8) + "… at " + address;
    }
}
