package dev.vswitch.server.cluster;

import java.util.Locale;

/** Where the trunk to one other replica stands. */
public enum LinkState {
    /** Not up yet: handshaking, or waiting for the replica to answer. */
    CONNECTING,
    /** Frames flow: a confirmed session, and traffic from the replica within the dead time. */
    UP,
    /** Was up, went silent: its trunk ports are detached and it is dialed again. */
    DOWN,
    /** The address is this replica itself (found in the peer list or DNS): never dialed again. */
    SELF;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
