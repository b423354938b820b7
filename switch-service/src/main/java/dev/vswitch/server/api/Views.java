package dev.vswitch.server.api;

import dev.vswitch.protocol.MacAddress;
import dev.vswitch.protocol.text.AddressText;
import dev.vswitch.server.session.EndpointInfo;
import dev.vswitch.server.cluster.ReplicaMesh;
import dev.vswitch.server.cluster.TrunkLink;
import dev.vswitch.switching.DropReason;
import dev.vswitch.switching.FrameKind;
import dev.vswitch.switching.Port;
import dev.vswitch.switching.SwitchCounters;
import dev.vswitch.switching.Traffic;
import dev.vswitch.switching.VirtualSwitch;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON shapes of the management API, built on the event loop from the switching state. */
final class Views {

    private static final long SECOND = 1_000_000_000L;

    record NetworkView(String name, int ports, int macEntries, Map<String, Long> framesIn, long framesOut,
                       long bytesOut, Map<String, Long> drops) {
    }

    record PortView(int id, boolean trunk, String address, String clientKey, List<String> macs, long framesIn,
                    long bytesIn, long framesOut, long bytesOut, long lastSeenSecondsAgo, long attachedSecondsAgo,
                    long sessionAgeSeconds) {
    }

    /**
     * A link to another replica; lastSeenSecondsAgo is -1 before anything was heard from it; path says whether its path
     * is proven to carry the largest frames whole ("proven"), or not yet ("unproven") or no longer ("fell back"), when
     * large frames go in pieces.
     */
    record PeerView(String address, String state, String path, boolean discovered, long lastSeenSecondsAgo,
                    long sessionAgeSeconds,
                    long framesIn, long bytesIn, long framesOut, long bytesOut) {
    }

    record MacView(String mac, int port, long lastSeenSecondsAgo) {
    }

    private Views() {
    }

    static NetworkView network(VirtualSwitch<?> lan) {
        SwitchCounters counters = lan.counters();
        Map<String, Long> framesIn = new LinkedHashMap<>();
        for (FrameKind kind : FrameKind.values()) {
            framesIn.put(kind.label(), counters.framesIn(kind));
        }
        Map<String, Long> drops = new LinkedHashMap<>();
        for (DropReason reason : DropReason.values()) {
            drops.put(reason.label(), counters.drops(reason));
        }
        return new NetworkView(lan.name(), lan.ports().size(), lan.macTable().size(), framesIn, counters.framesOut(),
                counters.bytesOut(), drops);
    }

    static List<PortView> ports(VirtualSwitch<?> lan, long now) {
        Map<Integer, List<String>> macsByPort = new HashMap<>();
        lan.macTable().forEach((mac, port, seen) ->
                macsByPort.computeIfAbsent(port, id -> new ArrayList<>()).add(MacAddress.format(mac)));
        List<PortView> views = new ArrayList<>();
        lan.ports().forEach(port -> views.add(port(port, macsByPort.getOrDefault(port.id(), List.of()), now)));
        return views;
    }

    static List<MacView> macs(VirtualSwitch<?> lan, long now) {
        List<MacView> views = new ArrayList<>();
        lan.macTable().forEach((mac, port, seen) -> views.add(new MacView(MacAddress.format(mac), port, (now - seen) / SECOND)));
        return views;
    }

    private static PortView port(Port<?> port, List<String> macs, long now) {
        Object endpoint = port.endpoint();
        String address = endpoint instanceof EndpointInfo info ? info.address()
                : endpoint instanceof InetSocketAddress legacy ? AddressText.endpoint(legacy) : String.valueOf(endpoint);
        String clientKey = endpoint instanceof EndpointInfo info ? info.clientKey() : null;
        long sessionAge = endpoint instanceof EndpointInfo info ? info.sessionAgeSeconds(now) : -1;
        Traffic traffic = port.traffic();
        return new PortView(port.id(), port.isTrunk(), address, clientKey, macs, traffic.framesIn(), traffic.bytesIn(),
                traffic.framesOut(), traffic.bytesOut(), (now - port.lastSeenNanos()) / SECOND,
                (now - port.attachedNanos()) / SECOND, sessionAge);
    }

    static List<PeerView> peers(ReplicaMesh mesh, long now) {
        List<PeerView> views = new ArrayList<>();
        for (TrunkLink link : mesh.links()) {
            long silent = link.silentNanos(now);
            views.add(new PeerView(link.address(), link.state().label(), link.pathVerdict().label(), link.isDiscovered(),
                    silent < 0 ? -1 : silent / SECOND, link.sessionAgeSeconds(now), link.traffic().framesIn(),
                    link.traffic().bytesIn(), link.traffic().framesOut(), link.traffic().bytesOut()));
        }
        return views;
    }
}
