package dev.vswitch.server.session;

import dev.vswitch.protocol.wire.Session;
import java.net.InetSocketAddress;

/**
 * The far end of a port of a secure network: a vport (the secure port's peer) or the trunk to another replica of the
 * switch. Frames to it are sealed with its sending session and sent to its address.
 */
public interface PortEndpoint extends EndpointInfo {

    /** The sessions it holds with this switch. */
    SessionSlots sessions();

    /** Where its datagrams go, or null while unknown. */
    InetSocketAddress sendAddress();

    @Override
    default long sessionAgeSeconds(long nowNanos) {
        Session session = sessions().current();
        return session == null ? -1 : (nowNanos - session.createdNanos()) / 1_000_000_000L;
    }
}
