package dev.vswitch.server.metrics;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Finding 5 of issue 18: /q/metrics listed the replicas' addresses. By default a replica's series carry a number. */
@QuarkusTest
@TestProfile(ReplicaMetricsLabels.WithoutEndpointLabels.class)
class ReplicaMetricsTest {

    @Test
    void replicasAreLabelledByNumberNotByAddress() throws Exception {
        String metrics = ReplicaMetricsLabels.scrapeWithPeerSeries();
        assertTrue(metrics.contains("vswitch_cluster_peer_frames_sent_total{peer=\"1\""), "the first link is peer 1");
        assertFalse(metrics.contains("127.0.0.1"), "an address is in /q/metrics");
    }
}
