package dev.vswitch.server.cluster;

import io.vertx.core.Context;
import java.net.InetSocketAddress;
import org.jboss.logging.Logger;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Finds the other replicas: the static peer list, and every address of a DNS name (a Kubernetes headless
 * Service), both looked up again every dns-refresh. A name's A records are used, its AAAA records only when
 * it has no A record, so a dual-stack replica is not dialed twice. Lookups block, so they run on a worker
 * thread; what they found is handed to the mesh on the switch's event loop. The JVM caches answers for 30 s
 * (networkaddress.cache.ttl), which delays a new replica no further: it dials the others itself.
 */
public final class PeerDiscovery {

    private static final Logger LOG = Logger.getLogger(PeerDiscovery.class);

    private final ClusterSettings settings;
    private final int dnsPort;
    private final Context context;
    private final BiConsumer<Set<InetSocketAddress>, Long> found;
    private boolean resolving;
    private String lastProblems = "";

    /**
     * @param ownPort this replica's UDP port: the port of the replicas DNS names, unless configured
     * @param context the switch's event loop, where {@code found} runs
     * @param found   gets the addresses found and the time, on the event loop
     */
    public PeerDiscovery(ClusterSettings settings, int ownPort, Context context, BiConsumer<Set<InetSocketAddress>, Long> found) {
        this.settings = settings;
        this.dnsPort = settings.peerPort().orElse(ownPort);
        this.context = context;
        this.found = found;
    }

    /** Looks up now and then every dns-refresh; call on the event loop. */
    public void start() {
        refresh();
        context.owner().setPeriodic(settings.dnsRefresh().toMillis(), id -> refresh());
    }

    private void refresh() {
        if (resolving) {
            return; // a slow DNS server: the lookup still running will do
        }
        resolving = true;
        context.executeBlocking(this::lookUp, false).onComplete(result -> {
            resolving = false;
            if (result.succeeded()) {
                found.accept(result.result().addresses(), System.nanoTime());
                report(result.result().problems());
            }
        });
    }

    private record Lookup(Set<InetSocketAddress> addresses, List<String> problems) {
    }

    /** On a worker thread. */
    private Lookup lookUp() {
        Set<InetSocketAddress> addresses = new LinkedHashSet<>();
        List<String> problems = new ArrayList<>();
        for (ClusterSettings.PeerAddress peer : settings.staticPeers()) {
            resolve(peer.host(), problems).stream().findFirst()
                    .ifPresent(address -> addresses.add(new InetSocketAddress(address, peer.port())));
        }
        Optional<String> dns = settings.dns();
        if (dns.isPresent()) {
            for (InetAddress address : resolve(dns.get(), problems)) {
                addresses.add(new InetSocketAddress(address, dnsPort));
            }
        }
        return new Lookup(addresses, problems);
    }

    /** The IPv4 addresses of a name, or its IPv6 ones when it has none; empty (and a problem noted) when it does not resolve. */
    private static List<InetAddress> resolve(String host, List<String> problems) {
        InetAddress[] all;
        try {
            all = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            problems.add(host + " does not resolve");
            return List.of();
        }
        List<InetAddress> v4 = new ArrayList<>();
        List<InetAddress> v6 = new ArrayList<>();
        for (InetAddress address : all) {
            (address instanceof Inet4Address ? v4 : v6).add(address);
        }
        return v4.isEmpty() ? v6 : v4;
    }

    /** Logs lookup problems when they change, not every refresh. */
    private void report(List<String> problems) {
        String now = String.join("; ", problems);
        if (!now.equals(lastProblems)) {
            if (now.isEmpty()) {
                LOG.info("replica discovery: every name resolves again");
            } else {
                LOG.warnf("replica discovery: %s", now);
            }
            lastProblems = now;
        }
    }
}
