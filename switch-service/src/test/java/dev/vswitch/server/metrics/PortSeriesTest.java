package dev.vswitch.server.metrics;

import dev.vswitch.switching.FloodLimit;
import dev.vswitch.switching.L2Safety;
import dev.vswitch.switching.Port;
import dev.vswitch.switching.PortListener;
import dev.vswitch.switching.PortTable;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Per-port series follow the ports, and never number more than the cap. */
class PortSeriesTest {

    private static final FloodLimit ANY = new FloodLimit(1000, 1000);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final PortTable<String> ports = new PortTable<>(10, new L2Safety(10, Duration.ZERO, Duration.ZERO, ANY, ANY, ANY));
    private final PortListener<String> listener = new PortSeries(registry, 2, true).listenerFor("lab", endpoint -> endpoint);

    @Test
    void seriesComeAndGoWithPortsUpToTheCap() {
        Port<String> a = attach("a");
        Port<String> b = attach("b");
        attach("c");
        assertNotNull(registry.find("vswitch.port.received").tag("port", "a").functionCounter());
        assertNotNull(registry.find("vswitch.port.sent").tag("port", "b").functionCounter());
        assertNull(registry.find("vswitch.port.received").tag("port", "c").functionCounter(), "over the cap of 2");
        assertEquals(1, registry.find("vswitch.port.series.skipped").functionCounter().count());

        listener.detached(a);
        assertNull(registry.find("vswitch.port.received").tag("port", "a").functionCounter(), "gone with its port");
        attach("d");
        assertNotNull(registry.find("vswitch.port.received").tag("port", "d").functionCounter(), "a freed place is reused");
        assertNotNull(registry.find("vswitch.port.received").tag("port", b.endpoint()).functionCounter());
    }

    @Test
    void withoutEndpointLabelsASeriesNamesItsPortByNumberOnly() {
        SimpleMeterRegistry numberedRegistry = new SimpleMeterRegistry();
        PortListener<String> numbered = new PortSeries(numberedRegistry, 2, false).listenerFor("lab", key -> key);
        ports.attach("first", 0);
        Port<String> port = ports.attach("client key", 0);
        numbered.attached(port);
        assertNotNull(numberedRegistry.find("vswitch.port.received").tags("network", "lab", "port", "1").functionCounter());
        assertNull(numberedRegistry.find("vswitch.port.received").tag("port", "client key").functionCounter());
    }

    private Port<String> attach(String endpoint) {
        Port<String> port = ports.attach(endpoint, 0);
        listener.attached(port);
        return port;
    }
}
