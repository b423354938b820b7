package dev.vswitch.server.metrics;

import dev.vswitch.server.config.SwitchConfig;
import dev.vswitch.switching.Port;
import dev.vswitch.switching.PortListener;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Per-port traffic series for "top talkers", with bounded cardinality: series exist only for live ports,
 * are removed when the port goes, and at most {@code vswitch.metrics.max-port-series} exist at once; ports
 * beyond the cap are counted in vswitch_port_series_skipped_total instead. A series names its port by number
 * unless {@code vswitch.metrics.endpoint-labels} asks for the client key or address: /q/metrics has no token.
 */
@ApplicationScoped
public class PortSeries {

    private final MeterRegistry registry;
    private final int maxSeries;
    private final boolean endpointLabels;
    private final Map<Port<?>, List<Meter>> meters = new ConcurrentHashMap<>();
    private final AtomicLong skipped = new AtomicLong();

    @Inject
    PortSeries(MeterRegistry registry, SwitchConfig config) {
        this(registry, config.metrics().maxPortSeries(), config.metrics().endpointLabels());
    }

    PortSeries(MeterRegistry registry, int maxSeries, boolean endpointLabels) {
        this.registry = registry;
        this.maxSeries = maxSeries;
        this.endpointLabels = endpointLabels;
        FunctionCounter.builder("vswitch.port.series.skipped", skipped, AtomicLong::get)
                .description("Ports that got no per-port series because vswitch.metrics.max-port-series were in use")
                .register(registry);
    }

    /**
     * A listener for one network's ports; {@code label} names a port's far end (its client key, or its address), used
     * only with {@code vswitch.metrics.endpoint-labels}.
     */
    public <E> PortListener<E> listenerFor(String network, Function<E, String> label) {
        return new PortListener<>() {
            @Override
            public void attached(Port<E> port) {
                if (meters.size() >= maxSeries) {
                    skipped.incrementAndGet();
                    return;
                }
                String name = endpointLabels ? label.apply(port.endpoint()) : Integer.toString(port.id());
                Tags tags = Tags.of("network", network, "port", name);
                meters.put(port, List.of(
                        FunctionCounter.builder("vswitch.port.received", port, p -> p.traffic().bytesIn()).baseUnit("bytes")
                                .description("Bytes of frames received from one port").tags(tags).register(registry),
                        FunctionCounter.builder("vswitch.port.sent", port, p -> p.traffic().bytesOut()).baseUnit("bytes")
                                .description("Bytes of frames sent to one port").tags(tags).register(registry)));
            }

            @Override
            public void detached(Port<E> port) {
                List<Meter> gone = meters.remove(port);
                if (gone != null) {
                    gone.forEach(registry::remove);
                }
            }
        };
    }
}
