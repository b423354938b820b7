package dev.vswitch.vport.direct;

import dev.vswitch.protocol.rendezvous.Rendezvous;
import dev.vswitch.vport.link.LinkState;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The other vports the switch introduced this one to (rendezvous), by static key, each a {@link DirectPeer}: the newest
 * introduction of each, with its MAC, the endpoint the switch sees it at and the endpoints it reported. A peer not
 * introduced again for {@link #FORGET_AFTER_NANOS} (its unicast stopped; the switch re-introduces every 30 s while it
 * flows through it) is dropped unless the direct path to it is up, and at most {@link #MAX_PEERS} are kept.
 *
 * <p>Changes are rare and take this object's lock; the receiving thread reads {@link #all} without one, as an array.
 */
public final class PeerDirectory {

    /** Twice the switch's re-introduction interval and then some: a peer talked to lately stays listed. */
    static final long FORGET_AFTER_NANOS = 90_000_000_000L;
    /** A hostile switch cannot make this table grow without end. */
    static final int MAX_PEERS = 1024;

    private final Map<String, DirectPeer> peers = new LinkedHashMap<>();
    private final Function<Rendezvous.PeerIntro, DirectPeer> newPeer;
    private volatile DirectPeer[] all = new DirectPeer[0];

    /** @param newPeer makes the state of a peer introduced for the first time */
    PeerDirectory(Function<Rendezvous.PeerIntro, DirectPeer> newPeer) {
        this.newPeer = newPeer;
    }

    /** A directory of introductions only, without handshakes: for tests of the table itself. */
    PeerDirectory() {
        this(intro -> new DirectPeer(intro, null, 0));
    }

    /** The switch introduced a peer now; returns its state, or null when the table is full. */
    public synchronized DirectPeer introduced(Rendezvous.PeerIntro intro, long nowNanos) {
        String key = Base64.getEncoder().encodeToString(intro.publicKey());
        DirectPeer peer = peers.get(key);
        if (peer != null) {
            peer.introducedAgain(intro, nowNanos);
            return peer;
        }
        if (peers.size() >= MAX_PEERS) {
            forgetStale(nowNanos, forgotten -> { });
            if (peers.size() >= MAX_PEERS) {
                return null;
            }
        }
        peer = newPeer.apply(intro);
        peer.introducedAgain(intro, nowNanos);
        peers.put(key, peer);
        all = peers.values().toArray(DirectPeer[]::new);
        return peer;
    }

    /** The peer with the static key {@code publicKey}, or null when the switch did not introduce it. */
    synchronized DirectPeer withKey(byte[] publicKey) {
        return peers.get(Base64.getEncoder().encodeToString(publicKey));
    }

    /** Every peer, as of the last change; for the receiving and monitor threads, without a lock. */
    DirectPeer[] all() {
        return all;
    }

    /** The peers introduced within {@link #FORGET_AFTER_NANOS} or reached directly, newest first; others are forgotten. */
    public List<LinkState.Peer> peers(long nowNanos) {
        forgetStale(nowNanos, forgotten -> { });
        List<LinkState.Peer> list = new ArrayList<>();
        for (DirectPeer peer : all) {
            Rendezvous.PeerIntro intro = peer.intro();
            long rtt = peer.rttNanos();
            list.add(new LinkState.Peer(peer.key, intro.mac(), intro.observed(), intro.local(),
                    Duration.ofNanos(nowNanos - peer.introducedNanos()), peer.path().label, peer.why(),
                    peer.path() == DirectPeer.Path.DIRECT ? peer.endpoint() : null, rtt < 0 ? null : Duration.ofNanos(rtt)));
        }
        list.sort(Comparator.comparing(LinkState.Peer::sinceIntroduced));
        return list;
    }

    /** Forgets peers neither introduced lately nor reached directly, telling {@code forgotten} of each. */
    synchronized void forgetStale(long nowNanos, Consumer<DirectPeer> forgotten) {
        boolean changed = peers.values().removeIf(peer -> {
            boolean stale = nowNanos - peer.introducedNanos() > FORGET_AFTER_NANOS && peer.path() != DirectPeer.Path.DIRECT;
            if (stale) {
                forgotten.accept(peer);
            }
            return stale;
        });
        if (changed) {
            all = peers.values().toArray(DirectPeer[]::new);
        }
    }
}
