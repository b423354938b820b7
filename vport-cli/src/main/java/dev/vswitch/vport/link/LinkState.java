package dev.vswitch.vport.link;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;

/**
 * Where a running link stands right now, for {@code vport status}: taken once a second from the plain
 * {@link Vport} or the secure link, never on the forwarding path.
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
 */
public record LinkState(boolean connected, Phase phase, InetSocketAddress remote, Duration sinceHeard, Duration sessionAge,
        Duration sinceHandshake, RttMeter.Reading rtt) {

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
