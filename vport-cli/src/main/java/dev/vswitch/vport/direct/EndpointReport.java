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

import dev.vswitch.protocol.rendezvous.Rendezvous;

/**
 * What this vport tells the switch of its own endpoints, and when: the candidates another vport may reach it at
 * directly besides the endpoint the switch sees (two hosts behind one NAT reach each other only on their local
 * addresses). It goes once in every session, and only to a switch whose keepalive replies say it introduces vports
 * ({@link dev.vswitch.protocol.Keepalive#FLAG_RENDEZVOUS}): an older switch would take it for a frame.
 *
 * <p>The receiving thread notes the switch's flags; the monitor thread asks {@link #due} and sends.
 */
final class EndpointReport {

    private final String tapName;
    private volatile boolean switchIntroduces;
    /** The session the report last went in (monitor thread only). */
    private Object reportedIn;

    /** @param tapName the vport's own TAP, whose addresses are inside the LAN and never a candidate */
    EndpointReport(String tapName) {
        this.tapName = tapName;
    }

    /** The switch in use said in a keepalive reply whether it introduces vports; the receiving thread. */
    void switchIntroduces(boolean introduces) {
        switchIntroduces = introduces;
    }

    boolean switchIntroduces() {
        return switchIntroduces;
    }

    /** Whether the report should go in {@code session} now: the switch introduces, and this session has not had it. */
    boolean due(Object session) {
        return switchIntroduces && session != reportedIn;
    }

    void sent(Object session) {
        reportedIn = session;
    }

    /**
     * This host's candidate endpoints for {@code port} (the UDP socket's): the addresses of its interfaces that are up,
     * IPv4 and global IPv6 (a link-local one needs its interface named, which another host cannot do), without loopback
     * and the TAP, at most {@link Rendezvous#MAX_ENDPOINTS}.
     */
    List<InetSocketAddress> candidates(int port) {
        List<InetSocketAddress> endpoints = new ArrayList<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback() || nic.getName().equals(tapName)) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (isCandidate(address) && endpoints.size() < Rendezvous.MAX_ENDPOINTS) {
                        endpoints.add(new InetSocketAddress(address, port));
                    }
                }
            }
        } catch (SocketException e) {
            return List.of(); // the switch still introduces this vport at the endpoint it sees
        }
        return endpoints;
    }

    static boolean isCandidate(InetAddress address) {
        if (address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isAnyLocalAddress()
                || address.isMulticastAddress()) {
            return false;
        }
        return address instanceof Inet4Address || address instanceof Inet6Address;
    }
}
