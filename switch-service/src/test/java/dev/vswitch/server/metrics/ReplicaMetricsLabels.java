package dev.vswitch.server.metrics;

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
    static String scrapeWithPeerSeries() throws InterruptedException {
        return scrapeUntil(metrics -> metrics.contains("vswitch_cluster_peer_frames_sent_total{"), Duration.ofSeconds(10));
    }

    private static String scrapeUntil(Predicate<String> ready, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String metrics = MetricsTest.scrape();
        while (!ready.test(metrics) && System.nanoTime() < deadline) {
            Thread.sleep(100); // the mesh adds its links on the event loop after start-up
            metrics = MetricsTest.scrape();
        }
        return metrics;
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
