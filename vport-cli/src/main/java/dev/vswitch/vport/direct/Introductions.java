package dev.vswitch.vport.direct;

import dev.vswitch.protocol.Keepalive;
import dev.vswitch.protocol.rendezvous.Rendezvous;
import dev.vswitch.vport.link.LinkState;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A link's side of rendezvous: it tells a switch that introduces vports its own endpoints ({@link EndpointReport}), and
 * hands the peers the switch introduced to the {@link DirectPaths}. The receiving thread hands in keepalive flags and
 * introductions, the monitor thread reports, {@code vport status} reads the peers.
 */
public final class Introductions {

    private static final Rendezvous.PathReport NOTHING_YET = new Rendezvous.PathReport(0, 0, 0, 0);

    private final EndpointReport report;
    private final DirectPaths paths;
    /** The paths last reported, and the session they went in (monitor thread only). */
    private Rendezvous.PathReport lastPaths = NOTHING_YET;
    private Object pathsReportedIn;

    /** @param tapName the vport's TAP, whose addresses are never an endpoint */
    public Introductions(String tapName, DirectPaths paths) {
        this.report = new EndpointReport(tapName);
        this.paths = paths;
    }

    /** The flags of a keepalive reply from the switch in use. */
    public void switchFlags(byte flags) {
        report.switchIntroduces((flags & Keepalive.FLAG_RENDEZVOUS) != 0);
    }

    /** The switch introduced a peer; false when its message was malformed ({@code peer} null). */
    public boolean introduced(Rendezvous.PeerIntro peer, long nowNanos) {
        if (peer == null) {
            return false;
        }
        paths.introduced(peer, nowNanos);
        return true;
    }

    /**
     * Reports this vport's endpoints through {@code send} when due in {@code session} ({@link EndpointReport#due}): once
     * a session, and again when they change. {@code localAddress}: the socket's address, null when unknown.
     */
    public void reportIfDue(Object session, Supplier<InetSocketAddress> localAddress, long nowNanos,
            Consumer<List<InetSocketAddress>> send) {
        List<InetSocketAddress> endpoints = report.due(session, localAddress, nowNanos);
        if (endpoints != null) {
            send.accept(endpoints);
        }
    }

    /**
     * Tells a switch that introduces how this vport's direct paths fare ({@link DirectPaths#report}), through {@code
     * send}: when that changed since the last report, and again in a new session unless nothing ever happened.
     */
    public void reportPathsIfChanged(Object session, Consumer<Rendezvous.PathReport> send) {
        if (!report.switchIntroduces()) {
            return;
        }
        Rendezvous.PathReport now = paths.report();
        if (!now.equals(lastPaths) || (session != pathsReportedIn && !now.equals(NOTHING_YET))) {
            send.accept(now);
            lastPaths = now;
            pathsReportedIn = session;
        }
    }

    public List<LinkState.Peer> peers(long nowNanos) {
        return paths.peers(nowNanos);
    }
}
