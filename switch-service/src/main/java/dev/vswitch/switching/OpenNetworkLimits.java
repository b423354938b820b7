package dev.vswitch.switching;

/**
 * Limits for a network that any source address joins without a handshake (the legacy port): there each address
 * becomes a port, and a flood from one port is sent to all the others, so a sender with many (spoofed) addresses
 * could make the switch multiply what it sends by the number of ports. Here new ports come at a bounded rate, and
 * each port pays for what its frames make the switch send: a frame earns its port {@code amplification} times its
 * length in credit, and costs its length once per port it is sent to. From any one port, bytes out therefore stay
 * at most {@code amplification} times bytes in, plus {@code creditBytes}: what a port starts with and the most it
 * can save up.
 *
 * @param newPortsPerSecond ports that may attach a second, sustained
 * @param newPortBurst      ports that may attach at once
 * @param amplification     bytes the switch may send for each byte a port sent in
 * @param creditBytes       bytes a port may send beyond that: its credit when it attaches, and the most it saves up
 */
public record OpenNetworkLimits(double newPortsPerSecond, int newPortBurst, double amplification, int creditBytes) {

    public OpenNetworkLimits {
        if (newPortsPerSecond <= 0 || newPortBurst < 1 || amplification < 1 || creditBytes < 0) {
            throw new IllegalArgumentException("open network limits: new ports " + newPortsPerSecond + "/s, burst "
                    + newPortBurst + ", amplification " + amplification + " (at least 1), credit " + creditBytes);
        }
    }
}
