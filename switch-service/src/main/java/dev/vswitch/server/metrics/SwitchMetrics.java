package dev.vswitch.server.metrics;

import dev.vswitch.server.udp.PortTimings;
import dev.vswitch.server.config.SwitchConfig;
import dev.vswitch.server.cluster.ClusterCounters;
import dev.vswitch.server.cluster.LinkListener;
import dev.vswitch.server.cluster.LinkState;
import dev.vswitch.server.cluster.ReplicaMesh;
import dev.vswitch.server.cluster.TrunkHandshake;
import dev.vswitch.server.cluster.TrunkLink;
import dev.vswitch.server.secure.HandshakeResult;
import dev.vswitch.server.secure.PacketDrop;
import dev.vswitch.server.secure.SecureCounters;
import dev.vswitch.switching.DropReason;
import dev.vswitch.switching.FrameKind;
import dev.vswitch.switching.SwitchCounters;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The switch's Prometheus metrics (served at /q/metrics). Every series reads a counter the data path
 * keeps anyway, so scraping costs the data path nothing; names follow Prometheus conventions
 * ({@code _total} counters, base units, bounded labels: network, kind, reason, result, state, peer).
 */
@ApplicationScoped
public class SwitchMetrics implements PortTimings {

    private final MeterRegistry registry;
    private final boolean endpointLabels;
    private final Timer forwarding;
    private final Timer eventLoopLag;

    SwitchMetrics(MeterRegistry registry, SwitchConfig config) {
        this.registry = registry;
        this.endpointLabels = config.metrics().endpointLabels();
        this.forwarding = Timer.builder("vswitch.forwarding")
                .description("Time the event loop spends on one datagram: decrypt, switch, encrypt, send (1 in 64 sampled)")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(500))
                .maximumExpectedValue(Duration.ofMillis(50))
                .register(registry);
        this.eventLoopLag = Timer.builder("vswitch.event.loop.lag")
                .description("How late the once-a-second housekeeping ran: time the event loop was too busy to start it")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(1000))
                .maximumExpectedValue(Duration.ofSeconds(1))
                .register(registry);
        FunctionCounter.builder("process.cpu", ManagementFactory.getOperatingSystemMXBean(), SwitchMetrics::cpuSeconds)
                .description("CPU time used by the switch process").baseUnit("seconds").register(registry);
    }

    private static double cpuSeconds(OperatingSystemMXBean os) {
        return os instanceof com.sun.management.OperatingSystemMXBean process ? process.getProcessCpuTime() / 1e9 : 0;
    }

    @Override
    public void forwarding(long nanos) {
        forwarding.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void eventLoopLag(long nanos) {
        eventLoopLag.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Registers the series of the secure port. */
    public void bindSecurePort(SecureCounters counters) {
        for (HandshakeResult result : HandshakeResult.values()) {
            counter("vswitch.handshakes", "Handshake initiations by what became of them", counters,
                    c -> c.handshakes(result), Tags.of("result", result.label()));
        }
        for (PacketDrop reason : PacketDrop.values()) {
            counter("vswitch.packets.dropped", "Datagrams on the secure port dropped before switching, by reason",
                    counters, c -> c.drops(reason), Tags.of("reason", reason.label()));
        }
        counter("vswitch.session.roams", "Sessions that moved to a new source address (NAT rebinding, roaming)",
                counters, SecureCounters::roams, Tags.empty());
        counter("vswitch.rendezvous.introductions", "Pairs of vports introduced to each other for a direct path, each"
                + " time their unicast starts flowing and every 30 s while it flows", counters,
                SecureCounters::introductions, Tags.empty());
        String punches = "Hole punches between vports, by outcome (direct: a direct path came up; unanswered: no"
                + " candidate answered within 5 s), as the vports report them";
        counter("vswitch.direct.punches", punches, counters, SecureCounters::punchedDirect, Tags.of("outcome", "direct"));
        counter("vswitch.direct.punches", punches, counters, SecureCounters::punchedUnanswered,
                Tags.of("outcome", "unanswered"));
        counter("vswitch.direct.lost", "Direct paths between vports that went silent, their traffic back through the"
                + " switch, as the vports report them", counters, SecureCounters::directLost, Tags.empty());
        Gauge.builder("vswitch.direct.paths", counters, SecureCounters::directPaths)
                .description("Direct paths between vports now, as the vports report them").register(registry);
        Gauge.builder("vswitch.sessions", counters, SecureCounters::sessions)
                .description("Live sessions, pending ones included").register(registry);
    }

    /** Registers the series of one network. */
    public void bindNetwork(String network, SwitchCounters counters) {
        Tags tags = Tags.of("network", network);
        for (FrameKind kind : FrameKind.values()) {
            Tags kindTags = tags.and("kind", kind.label());
            counter("vswitch.frames.received", "Frames accepted from ports, by how they are delivered", counters,
                    c -> c.framesIn(kind), kindTags);
            bytes("vswitch.received", "Bytes of frames accepted from ports, by how they are delivered", counters,
                    c -> c.bytesIn(kind), kindTags);
            counter("vswitch.frames.sent", "Frames sent to ports, by how they were delivered (a flood counts once "
                    + "per port it reached)", counters, c -> c.framesOut(kind), kindTags);
            bytes("vswitch.sent", "Bytes of frames sent to ports, by how they were delivered", counters,
                    c -> c.bytesOut(kind), kindTags);
        }
        for (DropReason reason : DropReason.values()) {
            counter("vswitch.frames.dropped", "Frames not forwarded, by reason", counters, c -> c.drops(reason),
                    tags.and("reason", reason.label()));
        }
        counter("vswitch.mac.learned", "MACs learned (new entries)", counters, SwitchCounters::macsLearned, tags);
        counter("vswitch.mac.moves", "MACs that moved to another port", counters, SwitchCounters::macMoves, tags);
        counter("vswitch.mac.aged", "MACs forgotten after the ageing time", counters, SwitchCounters::macsAged, tags);
        counter("vswitch.mac.table.full", "New MACs not learned because the table was full", counters,
                SwitchCounters::macTableFull, tags);
        counter("vswitch.ports.attached", "Ports attached", counters, SwitchCounters::portsAttached, tags);
        counter("vswitch.ports.expired", "Ports detached after the idle timeout", counters,
                SwitchCounters::portsExpired, tags);
        counter("vswitch.keepalives", "Keepalives received from vports", counters, SwitchCounters::keepalives, tags);
        counter("vswitch.offload.fallbacks", "Ports that took offload frames until their vport stopped asking for them "
                + "(with --offload=auto: the path stopped carrying its large datagrams)", counters,
                SwitchCounters::offloadFallbacks, tags);
        Gauge.builder("vswitch.mac.table.entries", counters, SwitchCounters::macEntries).tags(tags)
                .description("Entries in the MAC table").register(registry);
        Gauge.builder("vswitch.ports", counters, SwitchCounters::livePorts).tags(tags)
                .description("Connected ports").register(registry);
    }

    /**
     * Registers the series of the mesh of trunks: links by state, trunk handshakes by result, path fallbacks and frames
     * carried in pieces, and the traffic
     * of each link, removed with its link. The peer label is the smallest number no live link has (so bounded by
     * the number of replicas), or with {@code vswitch.metrics.endpoint-labels} the replica's address.
     */
    public void bindCluster(ReplicaMesh mesh) {
        ClusterCounters counters = mesh.counters();
        for (LinkState state : LinkState.values()) {
            Gauge.builder("vswitch.cluster.peers", counters, c -> c.links(state)).tags("state", state.label())
                    .description("Links to other replicas, by state").register(registry);
        }
        for (TrunkHandshake result : TrunkHandshake.values()) {
            counter("vswitch.cluster.handshakes", "Trunk handshakes between replicas, by what became of them",
                    counters, c -> c.handshakes(result), Tags.of("result", result.label()));
        }
        counter("vswitch.cluster.path.fallbacks", "Trunk paths that stopped carrying the largest datagrams whole (frames"
                + " over 1,200 bytes then go in pieces)", counters, ClusterCounters::pathFallbacks, Tags.empty());
        String pieced = "Frames carried in pieces over trunks whose path is not proven to carry them whole: cut here,"
                + " joined here, or abandoned for a missing piece";
        counter("vswitch.cluster.pieced.frames", pieced, counters, ClusterCounters::framesCut, Tags.of("outcome", "cut"));
        counter("vswitch.cluster.pieced.frames", pieced, counters, ClusterCounters::framesJoined,
                Tags.of("outcome", "joined"));
        counter("vswitch.cluster.pieced.frames", pieced, counters, ClusterCounters::framesAbandoned,
                Tags.of("outcome", "abandoned"));
        Map<TrunkLink, List<Meter>> perLink = new ConcurrentHashMap<>();
        Map<TrunkLink, Integer> numbers = new HashMap<>(); // guarded by the listener
        mesh.onLinkChanges(new LinkListener() {
            @Override
            public void added(TrunkLink link) {
                Tags tags = Tags.of("peer", endpointLabels ? link.address() : Integer.toString(number(link)));
                perLink.put(link, List.of(
                        counter("vswitch.cluster.peer.frames.received", "Frames received over the trunk from a replica",
                                link, l -> l.traffic().framesIn(), tags),
                        counter("vswitch.cluster.peer.frames.sent", "Frames sent over the trunk to a replica",
                                link, l -> l.traffic().framesOut(), tags),
                        bytes("vswitch.cluster.peer.received", "Bytes of frames received over the trunk from a replica",
                                link, l -> l.traffic().bytesIn(), tags),
                        bytes("vswitch.cluster.peer.sent", "Bytes of frames sent over the trunk to a replica",
                                link, l -> l.traffic().bytesOut(), tags)));
            }

            private synchronized int number(TrunkLink link) {
                int number = 1;
                while (numbers.containsValue(number)) {
                    number++;
                }
                numbers.put(link, number);
                return number;
            }

            private synchronized void forget(TrunkLink link) {
                numbers.remove(link);
            }

            @Override
            public void removed(TrunkLink link) {
                forget(link);
                List<Meter> gone = perLink.remove(link);
                if (gone != null) {
                    gone.forEach(registry::remove);
                }
            }
        });
    }

    private <T> Meter counter(String name, String help, T source, ToDoubleFunction<T> value, Tags tags) {
        return FunctionCounter.builder(name, source, value).description(help).tags(tags).register(registry);
    }

    private <T> Meter bytes(String name, String help, T source, ToDoubleFunction<T> value, Tags tags) {
        return FunctionCounter.builder(name, source, value).description(help).baseUnit("bytes").tags(tags).register(registry);
    }
}
