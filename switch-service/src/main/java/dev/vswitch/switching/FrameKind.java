package dev.vswitch.switching;

import java.util.Locale;

/** How a frame is delivered, by its destination address. */
public enum FrameKind {
    /** To a MAC the table knows: exactly one port. */
    UNICAST,
    /** To a MAC the table does not know (yet): flooded, as a learning bridge does. */
    UNKNOWN_UNICAST,
    /** To ff:ff:ff:ff:ff:ff (ARP, DHCP): flooded. */
    BROADCAST,
    /** To a group address (IPv6 neighbour discovery, mDNS): flooded. */
    MULTICAST;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
