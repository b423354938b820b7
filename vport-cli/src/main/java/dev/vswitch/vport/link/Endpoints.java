package dev.vswitch.vport.link;

import dev.vswitch.vport.ExitCode;
import dev.vswitch.vport.VportException;
import dev.vswitch.vport.values.HostPort;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The switches a vport may use (replicas of one switch), in the order they were given, and the one in use. Each
 * address counts: a host name with several addresses is several endpoints, in the order the resolver returns them,
 * and an address reached twice (a name and its literal, say) is used once. The vport starts with the first endpoint
 * and moves on to the next only when the one in use stops answering ({@link #next}); after the last it starts over
 * with the first, looking the names up again, so that replicas that moved (a rescheduled pod, dynamic DNS) are
 * followed. A name that does not resolve any more keeps the addresses it had.
 *
 * <p>Safe to use from several threads: the monitor thread moves on, the status thread reads {@link #current}.
 */
public final class Endpoints {

    private static final Logger LOG = Logger.getLogger(Endpoints.class);

    /**
     * One switch to send to.
     *
     * @param target  the switch as the user gave it (a name, or an IP literal) and its port
     * @param address one of the target's addresses
     */
    public record Endpoint(HostPort target, InetSocketAddress address) {

        /** The address alone, e.g. {@code 198.18.1.1} or {@code ::1}. */
        public String ip() {
            return address.getAddress().getHostAddress();
        }

        /** {@code 198.18.1.1:9999} for a literal, {@code switch.lan:9999 (198.18.1.1)} for a name. */
        @Override
        public String toString() {
            return target.isLiteral() ? target.toString() : target + " (" + ip() + ")";
        }
    }

    /** Looks a host name up; every address, in the resolver's order. */
    @FunctionalInterface
    public interface Resolver {
        List<InetAddress> lookup(String host) throws UnknownHostException;
    }

    /** The JVM's resolver, which caches answers only briefly (30 s), so a later lookup follows a moved host. */
    public static final Resolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

    private final List<HostPort> targets;
    private final Resolver resolver;
    /** The addresses each target had when it last resolved; a target that never resolved has none. */
    private final Map<HostPort, List<InetSocketAddress>> resolved = new LinkedHashMap<>();
    /** Targets whose lookup fails, so that the failure is logged once, not at every round. */
    private final Set<HostPort> failing = new HashSet<>();
    private List<Endpoint> endpoints;
    private int index;

    private Endpoints(List<HostPort> targets, Resolver resolver) {
        this.targets = List.copyOf(new LinkedHashSet<>(targets));
        this.resolver = resolver;
    }

    /**
     * Resolves every target now. Targets that do not resolve are skipped (with a warning) and looked up again at
     * every round; if none resolves, it is an error.
     *
     * @throws VportException with {@link ExitCode#UNKNOWN_HOST} when no target resolves
     */
    public static Endpoints resolve(List<HostPort> targets) {
        return resolve(targets, SYSTEM);
    }

    /** {@link #resolve(List)} with another resolver (tests). */
    public static Endpoints resolve(List<HostPort> targets, Resolver resolver) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("no switch given");
        }
        Endpoints endpoints = new Endpoints(targets, resolver);
        VportException failure = endpoints.lookUp(true);
        if (failure != null) {
            throw failure;
        }
        return endpoints;
    }

    /** The endpoint in use. */
    public synchronized Endpoint current() {
        return endpoints.get(index);
    }

    /** Every endpoint, in the order they are tried. */
    public synchronized List<Endpoint> all() {
        return endpoints;
    }

    /** True when there is another endpoint to move on to. */
    public synchronized boolean several() {
        return endpoints.size() > 1;
    }

    /**
     * Moves on to the next endpoint and returns it. After the last one the names are looked up again and the first
     * endpoint is next; with a single endpoint that is all it does, so its name is followed when it moves.
     */
    public synchronized Endpoint next() {
        index++;
        if (index >= endpoints.size()) {
            lookUp(false);
            index = 0;
        }
        return endpoints.get(index);
    }

    /**
     * Looks every name up (literals only at the start: they never change) and rebuilds the list in the targets'
     * order. Returns a failure only when no target has ever resolved (so only at the start); a target that fails
     * while others work is logged once until it resolves again.
     */
    private VportException lookUp(boolean first) {
        Map<HostPort, VportException> failures = new LinkedHashMap<>();
        for (HostPort target : targets) {
            if (!first && target.isLiteral()) {
                continue;
            }
            try {
                resolved.put(target, addresses(target));
                if (failing.remove(target)) {
                    LOG.infof("switch %s resolves again", target);
                }
            } catch (VportException e) {
                failures.put(target, e);
            }
        }
        Set<InetSocketAddress> seen = new HashSet<>();
        List<Endpoint> list = new ArrayList<>();
        for (HostPort target : targets) {
            for (InetSocketAddress address : resolved.getOrDefault(target, List.of())) {
                if (seen.add(address)) {
                    list.add(new Endpoint(target, address));
                }
            }
        }
        if (list.isEmpty()) {
            return failures.values().iterator().next(); // nothing ever resolved: only at the start
        }
        endpoints = List.copyOf(list);
        failures.forEach((target, failure) -> {
            if (failing.add(target)) {
                LOG.warnf("%s; %s", failure.getMessage(), resolved.containsKey(target)
                        ? "keeping its last addresses" : "trying the other switches");
            }
        });
        return null;
    }

    private List<InetSocketAddress> addresses(HostPort target) {
        if (target.isLiteral()) {
            return List.of(target.resolve()); // parsing a literal asks no resolver
        }
        List<InetAddress> found;
        try {
            if (target.isReservedInvalid()) {
                throw new UnknownHostException(target.host()); // RFC 6761: never resolves, so ask no DNS server
            }
            found = resolver.lookup(target.host());
        } catch (UnknownHostException e) {
            found = List.of();
        }
        if (found.isEmpty()) {
            throw new VportException(ExitCode.UNKNOWN_HOST, "cannot resolve host '" + target.host()
                    + "': check the name, or give an IP address");
        }
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (InetAddress address : found) {
            addresses.add(new InetSocketAddress(address, target.port()));
        }
        return List.copyOf(addresses);
    }

    @Override
    public synchronized String toString() {
        return endpoints.toString();
    }
}
