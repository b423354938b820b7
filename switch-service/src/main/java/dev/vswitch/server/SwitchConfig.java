package dev.vswitch.server;

import dev.vswitch.switching.FloodLimit;
import dev.vswitch.switching.L2Safety;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The switch's settings; each is also an environment variable, e.g. {@code VSWITCH_PORT}. */
@ConfigMapping(prefix = "vswitch")
public interface SwitchConfig {

    /** UDP port the vports send to. */
    @WithDefault("9999")
    int port();

    /** Address to bind the UDP port to: {@code 0.0.0.0} is every IPv4 address, {@code ::} every address. */
    @WithDefault("0.0.0.0")
    String host();

    /** Longest frame forwarded, Ethernet header included: an 802.1Q-tagged 1500-byte payload. */
    @WithDefault("1518")
    int maxFrameSize();

    /** A MAC not seen as a source for this long is forgotten (the Linux bridge's default ageing time). */
    @WithDefault("300s")
    Duration macAgingTime();

    /**
     * A port that sent nothing for this long is detached. Our vports send a keepalive every few seconds;
     * the seed's vport.c sends none, so this stays as long as the MAC ageing time by default.
     */
    @WithDefault("300s")
    Duration portIdleTimeout();

    /** MAC table capacity of a network; past it, new MACs are not learned (frames to them are flooded). */
    @WithDefault("100000")
    int maxMacEntries();

    /** Ports a network accepts. */
    @WithDefault("4096")
    int maxPorts();

    /** Logs every frame (source, destination, type, size, decision), as the seed's vswitch.py did. Slow. */
    @WithDefault("false")
    boolean trace();

    /** L2 safety limits, applied to every network and every port. */
    Safety safety();

    /** Socket receive and send buffer size in bytes, so bursts are queued by the kernel rather than lost. */
    @WithDefault("4194304")
    int socketBufferSize();

    /** Protections against a hostile or broken host on the LAN. */
    interface Safety {

        /** MACs one port may own; new source MACs beyond it are dropped, so MAC flooding fills only this. */
        @WithDefault("256")
        int maxMacsPerPort();

        /** A MAC seen on a live port this recently cannot be taken over by another port (anti-hijack). */
        @WithDefault("5s")
        Duration macMoveHold();

        /** Storm control: broadcast frames a second one port may send, sustained. */
        @WithDefault("200")
        double broadcastPerSecond();

        /** Storm control: broadcast frames one port may send in a burst. */
        @WithDefault("400")
        int broadcastBurst();

        /** Storm control: multicast frames a second (IPv6 neighbour discovery and mDNS live here). */
        @WithDefault("1000")
        double multicastPerSecond();

        @WithDefault("2000")
        int multicastBurst();

        /** Storm control: frames a second to MACs the switch does not know yet. */
        @WithDefault("2000")
        double unknownUnicastPerSecond();

        @WithDefault("4000")
        int unknownUnicastBurst();

        default L2Safety toL2Safety() {
            return new L2Safety(maxMacsPerPort(), macMoveHold(),
                    new FloodLimit(broadcastPerSecond(), broadcastBurst()),
                    new FloodLimit(multicastPerSecond(), multicastBurst()),
                    new FloodLimit(unknownUnicastPerSecond(), unknownUnicastBurst()));
        }
    }
}
