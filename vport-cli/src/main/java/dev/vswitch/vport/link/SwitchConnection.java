package dev.vswitch.vport.link;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * What the secure link needs of its connection to the switch: datagrams to and from the one switch it is connected to,
 * and moving to another. {@link SwitchLink} is the UDP socket; tests put a network in memory behind it, so the secure
 * protocol's timing and failover can be exercised without sockets.
 *
 * <p>As with a connected UDP socket, only datagrams from the switch in use are received, and failures are counted in
 * the link's {@link LinkCounters}, never thrown: the vport keeps running while the switch does not answer.
 */
public interface SwitchConnection extends DatagramSender, AutoCloseable {

    /** The switch's address now; it changes with {@link #reconnect}. */
    InetSocketAddress remote();

    /** The local address datagrams go out from, or null when it is not known (or the connection is closed). */
    default InetSocketAddress localAddress() {
        return null;
    }

    /**
     * Blocks until a datagram arrives and reads it into {@code buffer}, which is cleared first and then holds the
     * datagram from offset 0 up to its position. Returns its length, or -1 once the connection is closed.
     */
    int receive(ByteBuffer buffer);

    /**
     * True when a datagram is already waiting, so that {@link #receive} returns at once: the receiver may hold frames
     * back to join them with the next ones, and writes them out before a receive that may block. This default says no,
     * so nothing is ever held back.
     */
    default boolean datagramWaiting() {
        return false;
    }

    /** Moves the connection to {@code newRemote}; a blocked {@link #receive} continues on the new one. */
    void reconnect(InetSocketAddress newRemote) throws IOException;

    /** Closes the connection, which wakes a blocked {@link #receive}. */
    @Override
    void close();
}
