package dev.vswitch.server.metrics;

import dev.vswitch.protocol.keys.Keys;
import dev.vswitch.protocol.noise.X25519;
import dev.vswitch.server.SwitchService;
import dev.vswitch.server.secure.SecureClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With vswitch.metrics.endpoint-labels, per-port series name the client key and per-replica ones the address. */
@QuarkusTest
@TestProfile(ReplicaMetricsLabels.WithEndpointLabels.class)
class MetricsEndpointLabelsTest {

    @Inject
    SwitchService switchService;

    @Test
    void portsAreLabelledByClientKeyAndReplicasByAddress() throws Exception {
        try (SecureClient a = SecureClient.joined(switchService.udpPort(), "office", 0x02_00_00_00_22_01L);
             SecureClient b = SecureClient.joined(switchService.udpPort(), "office", 0x02_00_00_00_22_02L)) {
            a.sendFrame(a.frameTo(b.mac, 500));
            b.receiveFrame();
            String key = Keys.encode(X25519.publicKey(a.privateKey));
            String metrics = ReplicaMetricsLabels.scrapeWithPeerSeries();
            assertEquals(500, MetricsTest.portBytes(metrics, "office", key));
            assertTrue(metrics.contains("vswitch_cluster_peer_frames_sent_total{peer=\"127.0.0.1:" + switchService.udpPort()
                    + "\""), "the replica's address labels its series");
        }
    }
}
