package dev.vswitch.vport.direct;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.vswitch.protocol.rendezvous.Rendezvous;

/**
 * What this vport tells the switch of its own endpoints, and when: the candidates another vport may reach it at
 * directly besides the endpoint the switch sees (two hosts behind one NAT reach each other only on their local
 * addresses). It goes once in every session, and again when the candidates change (an address came or went: DHCP, a
 * new network, a link that came up after the vport started), looked at every {@link #RECHECK_NANOS}; only to a switch
 * whose keepalive replies say it introduces vports ({@link dev.vswitch.protocol.Keepalive#FLAG_RENDEZVOUS}): an older
 * switch would take it for a frame.
 *
 * <p>The receiving thread notes the switch's flags; the monitor thread asks {@link #due} and sends.
 */
final class EndpointReport {

    static final long RECHECK_NANOS = 5_000_000_000L;

    private final String tapName;
    private final Function<String, List<InetAddress>> interfaceAddresses;
    private volatile boolean switchIntroduces;
    /** The session the report last went in, what it said, and when the candidates were last looked at (monitor only). */
    private Object reportedIn;
    private List<InetSocketAddress> reported = List.of();
    private long checkedAtNanos;

    /** @param tapName the vport's own TAP, whose addresses are inside the LAN and never a candidate */
    EndpointReport(String tapName) {
        this(tapName, EndpointReport::interfaceAddresses);
    }

    /** @param interfaceAddresses the addresses of this host's interfaces but loopback and the TAP it is given */
    EndpointReport(String tapName, Function<String, List<InetAddress>> interfaceAddresses) {
        this.tapName = tapName;
        this.interfaceAddresses = interfaceAddresses;
    }

    /** The switch in use said in a keepalive reply whether it introduces vports; the receiving thread. */
    void switchIntroduces(boolean introduces) {
        switchIntroduces = introduces;
    }

    boolean switchIntroduces() {
        return switchIntroduces;
    }

    /**
     * The report to send in {@code session} now, or null when none is due: the first in each session, and a new one
     * when the candidates differ from the last report's. {@code local}: the socket's address, asked only then; null when
     * unknown (then the report names no endpoint).
     */
    List<InetSocketAddress> due(Object session, Supplier<InetSocketAddress> localAddress, long nowNanos) {
        boolean newSession = session != reportedIn;
        if (!switchIntroduces || (!newSession && nowNanos - checkedAtNanos < RECHECK_NANOS)) {
            return null;
        }
        checkedAtNanos = nowNanos;
        InetSocketAddress local = localAddress.get();
        List<InetSocketAddress> candidates = local == null ? List.of() : candidates(local.getPort());
        if (!newSession && candidates.equals(reported)) {
            return null;
        }
        reportedIn = session;
        reported = candidates;
        return candidates;
    }

    /**
     * This host's candidate endpoints for {@code port} (the UDP socket's): the addresses of its interfaces, IPv4 and
     * global IPv6 (a link-local one needs its interface named, which another host cannot do), without loopback and the
     * TAP, at most {@link Rendezvous#MAX_ENDPOINTS}.
     */
    List<InetSocketAddress> candidates(int port) {
        List<InetSocketAddress> endpoints = new ArrayList<>();
        for (InetAddress address : interfaceAddresses.apply(tapName)) {
            if (isCandidate(address) && endpoints.size() < Rendezvous.MAX_ENDPOINTS) {
                endpoints.add(new InetSocketAddress(address, port));
            }
        }
        return endpoints;
    }

    /**
     * The addresses of every interface but loopback and {@code tapName}; none when the kernel will not list them (the
     * switch then still introduces this vport at the endpoint it sees). Whether an interface is up is not asked:
     * {@link NetworkInterface#isUp} wants the link running too, which the kernel says up to a second after the link
     * came up, so a vport that starts with its network missed its own address; an address on a link that is down costs
     * a peer one unanswered punch at most.
     */
    private static List<InetAddress> interfaceAddresses(String tapName) {
        List<InetAddress> addresses = new ArrayList<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isLoopback() && !nic.getName().equals(tapName)) {
                    addresses.addAll(Collections.list(nic.getInetAddresses()));
                }
            }
        } catch (SocketException e) {
            return List.of();
        }
        return addresses;
    }

    static boolean isCandidate(InetAddress address) {
        if (address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isAnyLocalAddress()
                || address.isMulticastAddress()) {
            return false;
        }
        return address instanceof Inet4Address || address instanceof Inet6Address;
    }
}
