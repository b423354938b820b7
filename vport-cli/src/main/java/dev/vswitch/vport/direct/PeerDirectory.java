package dev.vswitch.vport.direct;

import dev.vswitch.protocol.rendezvous.Rendezvous;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The other vports the switch introduced this one to (rendezvous), by static key: the newest introduction of each, with
 * its MAC, the endpoint the switch sees it at and the endpoints it reported. The receiving thread adds, {@code vport
 * status} reads. A peer not introduced again for {@link #FORGET_AFTER_NANOS} (its unicast stopped; the switch
 * re-introduces every 30 s while it flows) is dropped, and at most {@link #MAX_PEERS} are kept.
 */
public final class PeerDirectory {

    /** Twice the switch's re-introduction interval and then some: a peer talked to lately stays listed. */
    static final long FORGET_AFTER_NANOS = 90_000_000_000L;
    /** A hostile switch cannot make this table grow without end. */
    static final int MAX_PEERS = 1024;

    /** One introduced peer, as {@code vport status} lists it. */
    public record Peer(String publicKey, long mac, InetSocketAddress observed, List<InetSocketAddress> local,
                       Duration sinceIntroduced) {
    }

    private record Entry(Rendezvous.PeerIntro intro, long introducedNanos) {
    }

    private final Map<String, Entry> peers = new ConcurrentHashMap<>();

    /** The switch introduced a peer now. */
    public void introduced(Rendezvous.PeerIntro intro, long nowNanos) {
        String key = Base64.getEncoder().encodeToString(intro.publicKey());
        if (peers.size() >= MAX_PEERS && !peers.containsKey(key)) {
            forgetStale(nowNanos);
            if (peers.size() >= MAX_PEERS) {
                return;
            }
        }
        peers.put(key, new Entry(intro, nowNanos));
    }

    /** The peers introduced within {@link #FORGET_AFTER_NANOS}, newest first; older ones are forgotten. */
    public List<Peer> peers(long nowNanos) {
        forgetStale(nowNanos);
        List<Peer> list = new ArrayList<>();
        peers.forEach((key, entry) -> list.add(new Peer(key, entry.intro().mac(), entry.intro().observed(),
                entry.intro().local(), Duration.ofNanos(nowNanos - entry.introducedNanos()))));
        list.sort(Comparator.comparing(Peer::sinceIntroduced));
        return list;
    }

    private void forgetStale(long nowNanos) {
        peers.values().removeIf(entry -> nowNanos - entry.introducedNanos() > FORGET_AFTER_NANOS);
    }
}
