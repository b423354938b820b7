package dev.vswitch.server.cluster;

import dev.vswitch.protocol.noise.Sha256;
import dev.vswitch.server.config.SwitchConfig;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checking the cluster configuration, the trunk key derivation, and the trunk names and tags. */
class ClusterSettingsTest {

    private static final byte[] SECRET = new byte[32];
    private static final String SECRET_TEXT = Base64.getEncoder().encodeToString(SECRET);

    @Test
    void clusteringIsOffWithoutASecretAndPeersOrDnsNeedOne() {
        assertNull(ClusterSettings.from(cluster(List.of(), null, null)));
        IllegalArgumentException noSecret = assertThrows(IllegalArgumentException.class,
                () -> ClusterSettings.from(cluster(List.of("10.0.0.2:9999"), null, null)));
        assertTrue(noSecret.getMessage().startsWith("vswitch.cluster.secret is required"), noSecret.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ClusterSettings.from(cluster(List.of(), "vswitch-headless", null)));
        assertThrows(IllegalArgumentException.class, () -> ClusterSettings.from(cluster(List.of(), null, "c2hvcnQ=")),
                "a secret must be 32 bytes");
    }

    @Test
    void peersAreHostAndPortIpv6InBrackets() {
        ClusterSettings settings = ClusterSettings.from(cluster(List.of("vswitch-1.vswitch:9999", "10.0.0.3:1",
                "[fd00::7]:9998"), null, SECRET_TEXT));
        assertEquals(List.of(new ClusterSettings.PeerAddress("vswitch-1.vswitch", 9999),
                new ClusterSettings.PeerAddress("10.0.0.3", 1), new ClusterSettings.PeerAddress("fd00::7", 9998)),
                settings.staticPeers());
        for (String bad : List.of("vswitch-1", "host:0", "host:65536", "fd00::7:9999", ":9999", "host:port")) {
            assertThrows(IllegalArgumentException.class, () -> ClusterSettings.from(cluster(List.of(bad), null, SECRET_TEXT)), bad);
        }
    }

    @Test
    void theTrunkKeyIsDerivedFromTheSecretNeverTheSecretItself() {
        ClusterSettings settings = ClusterSettings.from(cluster(List.of(), null, SECRET_TEXT));
        assertArrayEquals(Sha256.hmac(SECRET, "vswitch trunk psk v1".getBytes(StandardCharsets.US_ASCII)), settings.trunkKey());
        assertFalse(settings.toString().contains(SECRET_TEXT));
    }

    @Test
    void replicaIdsTravelAsReservedNetworkNames() {
        ReplicaId id = new ReplicaId(0x0123_4567_89ab_cdefL);
        assertEquals("@replica/0123456789abcdef", id.networkName());
        assertEquals(id, ReplicaId.fromNetworkName(id.networkName()));
        assertEquals(new ReplicaId(-1), ReplicaId.fromNetworkName("@replica/ffffffffffffffff"));
        assertTrue(ReplicaId.isTrunkName("@replica/x"));
        assertNull(ReplicaId.fromNetworkName("@replica/x"), "reserved, but no replica's name");
        assertNull(ReplicaId.fromNetworkName("@replica/0123456789abcdeg"));
        assertNull(ReplicaId.fromNetworkName("lab"));
        assertTrue(id.networkName().getBytes(StandardCharsets.UTF_8).length <= 32, "fits the network-name field");
    }

    @Test
    void trunkTagsNameTheNetworkByLengthAndBytes() {
        assertArrayEquals(new byte[] {3, 'l', 'a', 'b'}, TrunkFrames.tag("lab"));
        ByteBuffer plain = ByteBuffer.wrap(new byte[] {3, 'l', 'a', 'b', 1, 2, 3});
        assertTrue(TrunkFrames.carries(plain, TrunkFrames.tag("lab")));
        assertFalse(TrunkFrames.carries(plain, TrunkFrames.tag("la")), "the length byte tells lab from la");
        assertFalse(TrunkFrames.carries(plain.limit(3), TrunkFrames.tag("lab")), "too short to hold the tag");
    }

    private static SwitchConfig.Cluster cluster(List<String> peers, String dns, String secret) {
        return new SwitchConfig.Cluster() {
            @Override
            public Optional<List<String>> peers() {
                return peers.isEmpty() ? Optional.empty() : Optional.of(peers);
            }

            @Override
            public Optional<String> dns() {
                return Optional.ofNullable(dns);
            }

            @Override
            public Duration dnsRefresh() {
                return Duration.ofSeconds(10);
            }

            @Override
            public OptionalInt peerPort() {
                return OptionalInt.empty();
            }

            @Override
            public Optional<String> secret() {
                return Optional.ofNullable(secret);
            }
        };
    }
}
