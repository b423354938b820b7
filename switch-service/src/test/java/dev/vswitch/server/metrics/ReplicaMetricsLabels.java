package dev.vswitch.server.metrics;

import static org.awaitility.Awaitility.await;

import org.awaitility.core.ConditionTimeoutException;
import io.quarkus.test.junit.QuarkusTestProfile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The switch as a replica whose peer list holds its own address (as a headless Service's addresses do), so that
 * /q/metrics has per-replica series, with or without {@code vswitch.metrics.endpoint-labels}.
 */
abstract class ReplicaMetricsLabels implements QuarkusTestProfile {

    static final String CLUSTER_SECRET = "bWV0cmljcyBsYWJlbHMgdGVzdCwgbm90IGEga2V5ISE=";

    private final boolean endpointLabels;

    ReplicaMetricsLabels(boolean endpointLabels) {
        this.endpointLabels = endpointLabels;
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        int port;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            port = probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> overrides = new HashMap<>();
        overrides.put("vswitch.port", String.valueOf(port));
        overrides.put("vswitch.cluster.peers", "127.0.0.1:" + port);
        overrides.put("vswitch.cluster.secret", CLUSTER_SECRET);
        overrides.put("vswitch.metrics.endpoint-labels", String.valueOf(endpointLabels));
        return overrides;
    }

    /** /q/metrics once it has a per-replica series. */
    static String scrapeWithPeerSeries() {
        return scrapeUntil(metrics -> metrics.contains("vswitch_cluster_peer_frames_sent_total{"), Duration.ofSeconds(10));
    }

    /** The metrics once {@code ready} holds (the mesh adds its links on the event loop after start-up), else the last. */
    private static String scrapeUntil(Predicate<String> ready, Duration timeout) {
        try {
            return await("metrics").atMost(timeout).pollDelay(Duration.ZERO).until(MetricsTest::scrape, ready);
        } catch (ConditionTimeoutException e) {
            return MetricsTest.scrape(); // the caller's assertions say what is missing
        }
    }

    public static final class WithEndpointLabels extends ReplicaMetricsLabels {
        public WithEndpointLabels() {
            super(true);
        }
    }

    public static final class WithoutEndpointLabels extends ReplicaMetricsLabels {
        public WithoutEndpointLabels() {
            super(false);
        }
    }
}
