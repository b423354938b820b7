package dev.vswitch.vport.link;

import dev.vswitch.protocol.Mtu;

/** The frame sizes both protocols' forwarding threads work with. */
public final class FrameLimits {

    /** Larger than any frame or UDP payload, so nothing is silently truncated. */
    public static final int BUFFER_BYTES = 65_536;
    /** Room for one 802.1Q tag, so VLANs on the TAP keep full-size frames. */
    private static final int VLAN_TAG_LENGTH = 4;

    private FrameLimits() {
    }

    /** The longest frame sent to the switch: a full frame at the TAP's MTU, plus one VLAN tag. */
    public static int maxFrameLength(int tapMtu) {
        return Math.min(Mtu.frameLength(tapMtu) + VLAN_TAG_LENGTH, Mtu.MAX_DATAGRAM);
    }
}
