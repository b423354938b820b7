package dev.vswitch.server.udp;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * What a UDP port does with its datagrams: the secure port and the legacy port are handlers, {@link UdpEdge} runs one on
 * its event loop. Every call comes from that one thread, so a handler's state needs no locks; the time is the edge's,
 * so a test drives a handler with its own clock.
 */
public interface DatagramHandler {

    /**
     * One datagram from {@code sender}, between {@code message}'s position (not necessarily 0: read relative to it) and
     * its limit, received at {@code nowNanos}. The view and the pooled buffer behind it are reused once this returns:
     * keep neither.
     */
    void onDatagram(ByteBuffer message, InetSocketAddress sender, long nowNanos);

    /** Ages out what has gone quiet; called about once a second. */
    void sweep(long nowNanos);

    /** The port is bound (on the event loop, before the edge counts as started). */
    default void listening() {
    }

    /** The port is closing. */
    default void stopping() {
    }
}
