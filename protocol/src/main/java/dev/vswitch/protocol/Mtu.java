package dev.vswitch.protocol;

/**
 * MTU arithmetic. A frame crosses the internet inside IP and UDP headers, so the TAP device's MTU must
 * leave room for them on the path or every full-size packet is fragmented (or lost where fragments are
 * dropped). We assume the larger IPv6 header so the default works on either address family. The secure protocol's
 * default is {@code WireFormat.DEFAULT_TAP_MTU}: the formats build on this arithmetic, not the other way round.
 */
public final class Mtu {

    public static final int IPV4_HEADER = 20;
    public static final int IPV6_HEADER = 40;
    public static final int UDP_HEADER = 8;
    /** The common internet path MTU (Ethernet). */
    public static final int DEFAULT_PATH_MTU = 1500;
    /** The plain (seed) format adds nothing beyond the Ethernet header that the TAP MTU excludes. */
    public static final int PLAIN_OVERHEAD = 0;
    /** 1500 - 40 - 8 - 14 = 1438: the same for the plain format of the legacy port. */
    public static final int LEGACY_TAP_MTU = tapMtu(DEFAULT_PATH_MTU, PLAIN_OVERHEAD);
    public static final int MIN_TAP_MTU = 576;
    /** Largest UDP payload over IPv4; a frame never exceeds it. */
    public static final int MAX_DATAGRAM = 65_507;

    private Mtu() {
    }

    /** The TAP MTU at which a full frame plus {@code overhead} protocol bytes fits a {@code pathMtu} packet. */
    public static int tapMtu(int pathMtu, int overhead) {
        return pathMtu - IPV6_HEADER - UDP_HEADER - EthernetFrame.HEADER_LENGTH - overhead;
    }

    /** The largest frame a TAP device with this MTU emits (header plus MTU, untagged). */
    public static int frameLength(int tapMtu) {
        return tapMtu + EthernetFrame.HEADER_LENGTH;
    }
}
