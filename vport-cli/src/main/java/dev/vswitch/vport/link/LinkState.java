package dev.vswitch.vport.link;

import dev.vswitch.vport.values.HostPort;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Where a running link stands right now, for {@code vport status}: taken once a second from the
 * plain format's {@code Vport} or the secure link, never on the forwarding path.
 *
 * @param connected      an answer (a keepalive reply, or in the secure protocol any authentic message) came
 *                       from the switch within --dead-after; in the secure protocol a session is also in use
 * @param phase          what the link is doing, e.g. connected or waiting for an answer
 * @param remote         the address the link sends to now (the switch's name as resolved last)
 * @param sinceHeard     time since the last datagram (secure: authentic message) from the switch; null if none yet
 * @param sessionAge     secure protocol: age of the session in use; null without one, and always in the plain format
 * @param sinceHandshake secure protocol: time since the last completed handshake; null before the first, and
 *                       always in the plain format
 * @param rtt            keepalive round-trip times
 * @param target         the switch in use as the user gave it, when it can change (several switches to fail over
 *                       between); null: the one the vport started with
 * @param offload        what offload knows of the path (--offload=auto or on); null without offload
 * @param peers          the other vports the switch introduced this one to (rendezvous), newest first
 */
public record LinkState(boolean connected, Phase phase, InetSocketAddress remote, Duration sinceHeard, Duration sessionAge,
        Duration sinceHandshake, RttMeter.Reading rtt, HostPort target, PathProof.Reading offload,
        List<Peer> peers) {

    /**
     * One introduced peer, as {@code vport status} lists it.
     *
     * @param path   {@code relayed}, {@code punching} or {@code direct}
     * @param why    why the path is what it is, in a few words
     * @param direct where the direct path reaches it; null unless direct
     * @param rtt    the round trip of the last direct handshake answered; null before one
     */
    public record Peer(String publicKey, long mac, InetSocketAddress observed, List<InetSocketAddress> local,
                       Duration sinceIntroduced, String path, String why, InetSocketAddress direct, Duration rtt) {

        /** A peer as the first part of rendezvous listed it: introduced, every frame relayed. */
        public Peer(String publicKey, long mac, InetSocketAddress observed, List<InetSocketAddress> local,
                Duration sinceIntroduced) {
            this(publicKey, mac, observed, local, sinceIntroduced, "relayed", "not tried yet", null, null);
        }
    }

    /** A link that was introduced to no peer (the plain format, or a switch that does not introduce). */
    public LinkState(boolean connected, Phase phase, InetSocketAddress remote, Duration sinceHeard, Duration sessionAge,
            Duration sinceHandshake, RttMeter.Reading rtt, HostPort target, PathProof.Reading offload) {
        this(connected, phase, remote, sinceHeard, sessionAge, sinceHandshake, rtt, target, offload, List.of());
    }

    /** A link without offload. */
    public LinkState(boolean connected, Phase phase, InetSocketAddress remote, Duration sinceHeard, Duration sessionAge,
            Duration sinceHandshake, RttMeter.Reading rtt, HostPort target) {
        this(connected, phase, remote, sinceHeard, sessionAge, sinceHandshake, rtt, target, null);
    }

    /** A link that sends to one switch only. */
    public LinkState(boolean connected, Phase phase, InetSocketAddress remote, Duration sinceHeard, Duration sessionAge,
            Duration sinceHandshake, RttMeter.Reading rtt) {
        this(connected, phase, remote, sinceHeard, sessionAge, sinceHandshake, rtt, null);
    }

    /** A link's phase as {@code vport status} names it. */
    public enum Phase {
        /** Started; nothing heard from the switch yet (secure: no handshake completed yet). */
        CONNECTING,
        /** The switch answers. */
        CONNECTED,
        /** No answer for --dead-after: still trying. */
        SILENT,
        /** Secure protocol: the switch answers, but its handshake answer does not authenticate. */
        REJECTED;

        /** The name in status files: lower case. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What a running link reports. */
    public interface Source {
        LinkState linkState();
    }
}
