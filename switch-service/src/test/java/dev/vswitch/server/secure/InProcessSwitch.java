package dev.vswitch.server.secure;

import dev.vswitch.protocol.keys.Keys;
import dev.vswitch.protocol.noise.X25519;
import dev.vswitch.server.capture.Captures;
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

    /** @param overrides switch properties beside the test's defaults */
    InProcessSwitch(Map<String, String> overrides) {
        Map<String, String> properties = new HashMap<>();
        properties.put("vswitch.private-key", Keys.encode(X25519.generatePrivateKey(RANDOM)));
        properties.put("vswitch.default-network", "false");
        properties.put("vswitch.networks.lab.key", Keys.encode(randomKey()));
        properties.put("vswitch.networks.other.key", Keys.encode(randomKey()));
        properties.put("vswitch.handshakes.workers", "0");
        properties.put("vswitch.key-dir", "target/in-process-keys");
        properties.putAll(overrides);
        SwitchConfig config = SwitchConfigs.of(properties);
        keys = SwitchKeys.load(config, RANDOM);
        SwitchSettings settings = new SwitchSettings(config.maxFrameSize(), config.macAgingTime(),
                config.portIdleTimeout(), config.maxMacEntries(), config.maxPorts(), config.safety().toL2Safety());
        handler = new SecureDatagramSwitch(port, config, keys, settings, null, RANDOM, new Captures(),
                Clock.fixed(Instant.parse("2026-12-07T00:00:00Z"), ZoneOffset.UTC));
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
