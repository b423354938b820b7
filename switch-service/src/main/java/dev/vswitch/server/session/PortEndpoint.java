package dev.vswitch.server.session;

import dev.vswitch.server.session.EndpointInfo;
import java.net.InetSocketAddress;

/**
 * The far end of a port of a secure network: a vport ({@link Peer}) or the trunk to another replica of the
 * switch. Frames to it are sealed with its sending session and sent to its address.
 */
public interface PortEndpoint extends EndpointInfo {

    /** The sessions it holds with this switch. */
    SessionSlots sessions();

    /** Where its datagrams go, or null while unknown. */
    InetSocketAddress sendAddress();
}
