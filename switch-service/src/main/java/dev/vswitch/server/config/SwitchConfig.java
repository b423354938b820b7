package dev.vswitch.server.config;

import dev.vswitch.switching.FloodLimit;
import dev.vswitch.switching.L2Safety;
import dev.vswitch.switching.OpenNetworkLimits;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** The switch's settings; each is also an environment variable, e.g. {@code VSWITCH_PORT}. */
@ConfigMapping(prefix = "vswitch")
public interface SwitchConfig {

    /** UDP port the vports send to; it speaks only the secure protocol (docs/protocol.md). */
    @WithDefault("9999")
    int port();

    /**
     * Opt-in plaintext port speaking the seed's format (one Ethernet frame per datagram), for the seed's
     * vport.c and for {@code vport connect --legacy}. It forms a network of its own, named "legacy":
     * anyone who reaches it joins that network and can read its traffic. Unset by default.
     */
    OptionalInt legacyPort();

    /** Limits of the legacy port, where any source address becomes a port without a handshake. */
    Legacy legacy();

    /**
     * On the legacy port every source address becomes a port and a flood goes to all of them, so without limits one
     * sender with many addresses makes the switch send hundreds of times what it receives. These bound new ports, and
     * bytes out per byte in from each port.
     */
    interface Legacy {

        /** New ports a second, sustained; a datagram from a new address beyond it is dropped ({@code new_port_rate}). */
        @WithDefault("10")
        double newPortsPerSecond();

        /** New ports at once. */
        @WithDefault("20")
        int newPortBurst();

        /**
         * Bytes the switch may send for each byte a port sent in: a frame is charged its size once per port it goes to
         * (a flood to n ports, n times), and one that would exceed this is dropped ({@code amplification}).
         */
        @WithDefault("4")
        double maxAmplification();

        /** Bytes a port may send beyond that: its credit when it attaches, and the most it saves up. */
        @WithDefault("16384")
        int amplificationCredit();

        default OpenNetworkLimits toOpenNetworkLimits() {
            return new OpenNetworkLimits(newPortsPerSecond(), newPortBurst(), maxAmplification(), amplificationCredit());
        }
    }

    /** Directory for the switch's key, generated network keys and join tokens (created with mode 0700). */
    @WithDefault("vswitch-keys")
    String keyDir();

    /**
     * The switch's X25519 private key in base64, e.g. from a Kubernetes Secret. When unset, it is read
     * from key-dir/switch.key, which is generated on first start.
     */
    Optional<String> privateKey();

    /**
     * Bearer token of the management API (/api/v1). When unset, one is generated into key-dir/api.token
     * (mode 0600) on first start.
     */
    Optional<String> apiToken();

    /** host:port at which vports reach this switch, written into join tokens. Default: this host's name and port. */
    Optional<String> publicEndpoint();

    /**
     * The networks, by name (1 to 32 of A-Z a-z 0-9 . _ -). Network "default" exists besides them unless
     * {@link #defaultNetwork()} is false. From the environment, a name of lower-case letters and digits maps
     * directly (VSWITCH_NETWORKS_LAB_KEY); any other name needs its property written out, for example
     * {@code vswitch.networks."my-lab".key=${MY_LAB_KEY}} in a configuration file.
     */
    Map<String, NetworkConfig> networks();

    /**
     * Whether network "default" exists besides the networks configured under {@code vswitch.networks}, so that
     * configuring a second network keeps the vports of the first connected. False removes it (unless it is
     * configured there by name); at least one network must remain.
     */
    @WithDefault("true")
    boolean defaultNetwork();

    /**
     * Whether vports are introduced to each other for direct paths (rendezvous): when unicast flows between two vports
     * of a network, each learns the other's key and endpoints. Per network: {@code vswitch.networks.NAME.direct-paths}.
     */
    @WithDefault("true")
    boolean directPaths();

    /**
     * Address to bind the UDP ports to. {@code ::} (the default) is every address of both families on one socket, IPv4
     * clients included; on a host without IPv6 the switch falls back to {@code 0.0.0.0} and says so. {@code 0.0.0.0}:
     * every IPv4 address only.
     */
    @WithDefault("::")
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

    /** Handshake flood protection. */
    Handshakes handshakes();

    /** Metrics options. */
    Metrics metrics();

    /** L2 safety limits, applied to every network and every port. */
    Safety safety();

    /** Socket receive and send buffer size in bytes, so bursts are queued by the kernel rather than lost. */
    @WithDefault("4194304")
    int socketBufferSize();

    /** Scale-out: replicas that form one LAN over encrypted trunks (docs/protocol.md). */
    Cluster cluster();

    /**
     * The other replicas of this switch. Every replica has the same switch key, network keys and cluster secret,
     * so a vport may join any of them; the replicas dial each other on their UDP port ({@link #port()}).
     */
    interface Cluster {

        /** The other replicas as host:port, e.g. {@code vswitch-1.vswitch:9999}; this replica's own address is skipped. */
        Optional<List<String>> peers();

        /**
         * A DNS name whose A records (AAAA when it has none) are the replicas, such as a Kubernetes headless
         * Service; this replica's own address among them is skipped.
         */
        Optional<String> dns();

        /** How often the peer names and the DNS name are looked up again. */
        @WithDefault("10s")
        Duration dnsRefresh();

        /** The UDP port of the replicas found by DNS. Default: this replica's own port. */
        OptionalInt peerPort();

        /**
         * The cluster's shared secret (base64, 32 bytes): trunks between replicas authenticate with a key derived
         * from it. Required when peers or dns is set; when set alone, this replica accepts trunks but dials none.
         */
        Optional<String> secret();
    }

    /** How the switch stops. */
    Shutdown shutdown();

    /** How the switch stops. */
    interface Shutdown {

        /**
         * After SIGTERM, how long to keep forwarding while reporting not ready and asking vports to move to another
         * replica, before stopping (Quarkus's {@code quarkus.shutdown.delay} follows it). 0: stop at once. In Kubernetes,
         * shorter than the pod's termination grace period less its preStop hook.
         */
        @WithDefault("0s")
        Duration drain();
    }

    /** What /q/metrics exports beyond the per-network series. */
    interface Metrics {

        /**
         * Per-port traffic series (vswitch_port_received_bytes_total, vswitch_port_sent_bytes_total, labelled
         * by network and port) for at most this many ports at once, to bound the series count; 0 turns them off.
         */
        @WithDefault("100")
        int maxPortSeries();

        /**
         * Label per-port series with the port's client public key (its address on the legacy port), and per-replica
         * series with the replica's address. Off: they carry the port's number (as /api/v1/networks/NAME/ports lists it,
         * behind the API token) and a number per live trunk, so an open /q/metrics names no client and no address.
         */
        @WithDefault("false")
        boolean endpointLabels();
    }

    /** Limits on handshake initiations, the only messages that cost the switch a Diffie-Hellman. */
    interface Handshakes {

        /** Initiations a second one source address may make, sustained. */
        @WithDefault("20")
        double perSourcePerSecond();

        /** Initiations one source address may make at once. */
        @WithDefault("10")
        int perSourceBurst();

        /** Above this many initiations a second in total, every initiation must carry a cookie (mac2). */
        @WithDefault("200")
        int loadThresholdPerSecond();

        /** Source addresses tracked for rate limiting; new sources are refused while all are busy. */
        @WithDefault("65536")
        int maxTrackedSources();

        /**
         * Answer a refused initiation with a 12-byte refusal that says why (another switch's key, unknown network, not on
         * the allow-list, key in use), within the sender's rate limit, so the vport can tell its user what to fix.
         * {@code false} keeps the switch silent to those who cannot join, at the cost of "no answer" for every mistake.
         */
        @WithDefault("true")
        boolean explainRefusals();

        /**
         * Threads that do the handshakes' Diffie-Hellman, off the event loop that forwards frames, so that a flood of
         * initiations never delays data. 0 does them on the event loop itself: only for a one-core machine.
         */
        @WithDefault("1")
        int workers();

        /**
         * Initiations waiting for a worker, per queue (known sources, strangers); a full queue drops its oldest
         * (counted {@code busy}).
         */
        @WithDefault("256")
        int queue();

        /**
         * Client keys per network whose newest handshake timestamp is kept after they are forgotten, so a captured
         * initiation is refused later too (about 220 bytes each; least recently used first out).
         */
        @WithDefault("16384")
        int replayMemory();
    }

    /** One isolated virtual LAN. */
    interface NetworkConfig {

        /** The network key (base64, 32 bytes), the handshake's PSK. When unset: key-dir/networks/NAME.key, generated once. */
        Optional<String> key();

        /**
         * Client public keys (base64) allowed to join. When unset, anyone holding the network key may join;
         * when set, revoking a laptop is removing its key here, and the network key stays.
         */
        Optional<List<String>> allowedClients();

        /**
         * Whether this network's vports are introduced to each other for direct paths; unset: {@code
         * vswitch.direct-paths}. Off, every frame goes through the switch, where captures and policy see it.
         */
        Optional<Boolean> directPaths();
    }

    /** Protections against a hostile or broken host on the LAN. */
    interface Safety {

        /** MACs one port may own; new source MACs beyond it are dropped, so MAC flooding fills only this. */
        @WithDefault("256")
        int maxMacsPerPort();

        /** A MAC seen on a live port this recently cannot be taken over by another port (anti-hijack). */
        @WithDefault("5s")
        Duration macMoveHold();

        /**
         * A MAC that a vport's keepalive names (its TAP's own) cannot be taken over by another port until this long after
         * the last such keepalive, or until its port goes: four of the vports' default 5 s keepalive intervals, so an
         * owner that keeps alive keeps its MAC even when a keepalive or two are lost. Keep it above the vports'
         * {@code --keepalive} with margin.
         */
        @WithDefault("20s")
        Duration macOwnerHold();

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
            return new L2Safety(maxMacsPerPort(), macMoveHold(), macOwnerHold(),
                    new FloodLimit(broadcastPerSecond(), broadcastBurst()),
                    new FloodLimit(multicastPerSecond(), multicastBurst()),
                    new FloodLimit(unknownUnicastPerSecond(), unknownUnicastBurst()));
        }
    }
}
