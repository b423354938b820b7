package dev.vswitch.server.secure;

import dev.vswitch.protocol.keys.Keys;
import dev.vswitch.protocol.noise.X25519;
import dev.vswitch.server.capture.Captures;
import dev.vswitch.server.cluster.ClusterSettings;
import dev.vswitch.server.config.SwitchConfig;
import dev.vswitch.server.config.SwitchConfigs;
import dev.vswitch.server.keys.NetworkDefinition;
import dev.vswitch.server.keys.SwitchKeys;
import dev.vswitch.server.udp.RecordingPort;
import dev.vswitch.switching.SwitchSettings;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The secure port's handler with no server around it: a {@link RecordingPort} instead of a socket, handshakes done as
 * they arrive ({@code vswitch.handshakes.workers=0}) and a clock the test moves. Networks "lab" and "other" have fixed
 * keys; the switch key is fixed too, so {@link InProcessVport}s can be made from this switch's {@link #token}s.
 */
final class InProcessSwitch {

    static final SecureRandom RANDOM = new SecureRandom();

    final RecordingPort port = new RecordingPort();
    final SecureDatagramSwitch handler;
    final SwitchKeys keys;
    private long nowNanos = 1_000_000_000_000L;

    InProcessSwitch() {
        this(Map.of());
    }

    /** @param overrides switch properties beside the test's defaults ({@link #keyProperties}, fresh) */
    InProcessSwitch(Map<String, String> overrides) {
        Map<String, String> properties = keyProperties();
        properties.put("vswitch.handshakes.workers", "0");
        properties.put("vswitch.key-dir", "target/in-process-keys");
        properties.putAll(overrides);
        SwitchConfig config = SwitchConfigs.of(properties);
        keys = SwitchKeys.load(config, RANDOM);
        SwitchSettings settings = new SwitchSettings(config.maxFrameSize(), config.macAgingTime(),
                config.portIdleTimeout(), config.maxMacEntries(), config.maxPorts(), config.safety().toL2Safety());
        handler = new SecureDatagramSwitch(port, config, keys, settings, ClusterSettings.from(config.cluster()), RANDOM,
                new Captures(), Clock.fixed(Instant.parse("2026-12-07T00:00:00Z"), ZoneOffset.UTC));
    }

    /**
     * A new switch key and keys of networks "lab" and "other", no "default" network, and a cluster secret: give the same
     * ones to two switches to make them replicas of one cluster ({@link #replicaOf}).
     */
    static Map<String, String> keyProperties() {
        Map<String, String> properties = new HashMap<>();
        properties.put("vswitch.private-key", Keys.encode(X25519.generatePrivateKey(RANDOM)));
        properties.put("vswitch.default-network", "false");
        properties.put("vswitch.networks.lab.key", Keys.encode(randomKey()));
        properties.put("vswitch.networks.other.key", Keys.encode(randomKey()));
        return properties;
    }

    /** A replica of a cluster whose keys are {@code keys}; it dials nobody until told of the others ({@link #discovered}). */
    static InProcessSwitch replicaOf(Map<String, String> keys, String clusterSecret) {
        Map<String, String> properties = new HashMap<>(keys);
        properties.put("vswitch.cluster.secret", clusterSecret);
        return new InProcessSwitch(properties);
    }

    /** Discovery found these replicas (this one's own address among them, as DNS names every replica). */
    void discovered(InetSocketAddress... replicas) {
        handler.mesh().discovered(Set.of(replicas), nowNanos);
    }

    private static byte[] randomKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return key;
    }

    NetworkDefinition network(String name) {
        return keys.networks().stream().filter(network -> network.name().equals(name)).findFirst().orElseThrow();
    }

    long now() {
        return nowNanos;
    }

    /** One datagram arrives now; then the event-loop work it caused runs. */
    void receive(byte[] datagram, InetSocketAddress from) {
        handler.onDatagram(ByteBuffer.wrap(datagram), from, nowNanos);
        port.runTasks();
    }

    /** Time passes, with a sweep each second as the edge makes them. */
    void advance(Duration time) {
        long end = nowNanos + time.toNanos();
        while (nowNanos < end) {
            nowNanos = Math.min(end, nowNanos + 1_000_000_000L);
            handler.sweep(nowNanos);
            port.runTasks();
        }
    }
}
