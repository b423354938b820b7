package dev.vswitch.server.cluster;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A replica's identity for one run of the switch: a random 64-bit number chosen at start. Trunk handshakes
 * carry it in the initiation's network-name field as {@code @replica/} and 16 hex digits; no network's
 * name may contain '@', so a trunk is never mistaken for a network or the other way round.
 */
public record ReplicaId(long value) {

    private static final String PREFIX = "@replica/";
    private static final HexFormat HEX = HexFormat.of();

    public static ReplicaId random(SecureRandom random) {
        return new ReplicaId(random.nextLong());
    }

    /** True for every name in the trunk's reserved form, well-formed or not. */
    public static boolean isTrunkName(String network) {
        return network.startsWith(PREFIX);
    }

    /** The replica a trunk handshake's network name names, or null when it is not well-formed. */
    static ReplicaId fromNetworkName(String network) {
        if (!isTrunkName(network) || network.length() != PREFIX.length() + 16) {
            return null;
        }
        try {
            return new ReplicaId(HexFormat.fromHexDigitsToLong(network.substring(PREFIX.length())));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** What this replica puts into the network-name field of its trunk initiations. */
    String networkName() {
        return PREFIX + this;
    }

    @Override
    public String toString() {
        return HEX.toHexDigits(value);
    }
}
