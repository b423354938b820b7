package dev.vswitch.switching;

import java.time.Duration;

/**
 * The limits of one network.
 *
 * @param maxFrameSize  longest frame forwarded, header included, in bytes
 * @param macAging      a MAC not seen as a source for this long is forgotten
 * @param portIdle      a port that sent nothing (not even a keepalive) for this long is detached
 * @param maxMacEntries MAC table capacity; beyond it frames still flow but new MACs are not learned
 * @param maxPorts      ports the network accepts
 * @param safety        per-port MAC limit, MAC move hold time and storm control
 */
public record SwitchSettings(int maxFrameSize, Duration macAging, Duration portIdle, int maxMacEntries, int maxPorts,
                             L2Safety safety) {

    public SwitchSettings {
        if (maxFrameSize < dev.vswitch.protocol.EthernetFrame.HEADER_LENGTH) {
            throw new IllegalArgumentException("max frame size must hold an Ethernet header: " + maxFrameSize);
        }
        if (macAging.isNegative() || macAging.isZero() || portIdle.isNegative() || portIdle.isZero()) {
            throw new IllegalArgumentException("ageing and idle times must be positive");
        }
    }
}
