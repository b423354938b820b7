package dev.vswitch.server.secure;

import java.util.Locale;

/** Why a datagram on the secure port was dropped before it reached a network's switching core. */
public enum PacketDrop {
    /** Not a message of the current wire format version, or of the wrong length for its type. */
    MALFORMED,
    /** A message only a switch sends (response, cookie reply) that answers no trunk handshake of this replica. */
    UNEXPECTED_TYPE,
    /** Data for a session index the switch does not have (expired, or after a switch restart). */
    UNKNOWN_SESSION,
    /** Data under keys older than the reject-after time. */
    EXPIRED_SESSION,
    /** Failed authentication: forged, tampered or truncated. */
    FORGED,
    /** A counter already received. */
    REPLAYED,
    /** A counter behind the replay window. */
    TOO_OLD,
    /** A frame from another replica for a network this one does not have (the replicas' networks differ). */
    UNKNOWN_NETWORK;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
