package dev.vswitch.server.cluster;

import dev.vswitch.protocol.keys.Keys;
import dev.vswitch.protocol.noise.Sha256;
import dev.vswitch.server.config.SwitchConfig;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The cluster configuration, checked. Clustering is on when {@code vswitch.cluster.secret} is set (a replica
 * without peers of its own still accepts the trunks others dial); peers or a DNS name need the secret.
 *
 * @param trunkKey    the PSK of trunk handshakes: HMAC-SHA256(secret, "vswitch trunk psk v1"), so the secret
 *                    itself is never used as a key
 * @param staticPeers the replicas of {@code vswitch.cluster.peers}
 * @param dns         a name whose A (else AAAA) records are the replicas, e.g. a Kubernetes headless Service
 * @param dnsRefresh  how often names are looked up again
 * @param peerPort    the port of the replicas found by DNS; when empty, this replica's own port
 */
public record ClusterSettings(byte[] trunkKey, List<PeerAddress> staticPeers, Optional<String> dns,
                              Duration dnsRefresh, OptionalInt peerPort) {

    private static final byte[] TRUNK_KEY_LABEL = "vswitch trunk psk v1".getBytes(StandardCharsets.US_ASCII);

    /** A replica's host (name or IP literal) and port as configured. */
    public record PeerAddress(String host, int port) {

        /** Parses {@code host:port} or {@code [v6]:port}. */
        static PeerAddress parse(String text) {
            String trimmed = text.trim();
            int colon = trimmed.lastIndexOf(':');
            String host = colon > 0 ? trimmed.substring(0, colon) : "";
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            } else if (host.indexOf(':') >= 0) {
                host = ""; // an IPv6 literal without brackets: ambiguous
            }
            int port;
            try {
                port = Integer.parseInt(trimmed.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = 0;
            }
            if (host.isEmpty() || port < 1 || port > 65535) {
                throw new IllegalArgumentException("vswitch.cluster.peers: not HOST:PORT (an IPv6 address in "
                        + "brackets, like [fd00::1]:9999): " + text);
            }
            return new PeerAddress(host, port);
        }

        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** The settings, or null when clustering is off; throws {@link IllegalArgumentException} with a one-line reason. */
    public static ClusterSettings from(SwitchConfig.Cluster config) {
        List<String> peers = config.peers().orElse(List.of());
        if (config.secret().isEmpty()) {
            if (!peers.isEmpty() || config.dns().isPresent()) {
                throw new IllegalArgumentException("vswitch.cluster.secret is required when vswitch.cluster.peers or "
                        + "vswitch.cluster.dns is set: the same base64 32-byte secret on every replica");
            }
            return null;
        }
        byte[] secret = Keys.decode(config.secret().get(), "vswitch.cluster.secret");
        List<PeerAddress> parsed = new ArrayList<>();
        for (String peer : peers) {
            parsed.add(PeerAddress.parse(peer));
        }
        if (config.dnsRefresh().isNegative() || config.dnsRefresh().isZero()) {
            throw new IllegalArgumentException("vswitch.cluster.dns-refresh must be positive: " + config.dnsRefresh());
        }
        return new ClusterSettings(Sha256.hmac(secret, TRUNK_KEY_LABEL), List.copyOf(parsed),
                config.dns().map(String::trim).filter(name -> !name.isEmpty()), config.dnsRefresh(), config.peerPort());
    }

    /** Holds a secret: the key is left out. */
    @Override
    public String toString() {
        return "peers " + staticPeers + dns.map(name -> ", DNS " + name + " every " + dnsRefresh.toSeconds() + "s").orElse("");
    }
}
