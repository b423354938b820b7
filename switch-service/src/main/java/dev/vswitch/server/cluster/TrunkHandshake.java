package dev.vswitch.server.cluster;

import java.util.Locale;

/** What became of a trunk handshake, either side of it. */
public enum TrunkHandshake {
    /** This replica sent an initiation to another. */
    INITIATED,
    /** The other replica's response authenticated: a session. */
    COMPLETED,
    /** A response to our initiation did not authenticate: the other side holds another cluster secret. */
    FAILED,
    /** The other replica is under load and sent a cookie; the initiation is repeated with it. */
    COOKIE,
    /** This replica answered another's initiation. */
    ACCEPTED,
    /** The initiator confirmed the answered session with data: it holds the cluster secret. */
    CONFIRMED,
    /** An answered session was never confirmed: most likely the initiator holds another cluster secret. */
    UNCONFIRMED,
    /** A trunk initiation not from this cluster's switch key, or not a well-formed replica name. */
    REFUSED,
    /** Timestamp not newer than the last accepted from that address: a replayed initiation. */
    REPLAYED,
    /** This replica's own initiation came back: the address it dialed is itself. */
    SELF;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
