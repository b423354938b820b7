package dev.vswitch.vport.direct;

import dev.vswitch.vport.VportException;
import dev.vswitch.vport.link.GroReads;
import dev.vswitch.vport.udp.NativeUdpSocket;
import dev.vswitch.vport.udp.SendResult;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import org.jboss.logging.Logger;

/**
 * The socket of the direct paths: unconnected, bound to the port of the socket connected to the switch ({@code
 * SO_REUSEPORT} on both), so a NAT maps both to one public endpoint, the one the switch sees and tells the peers. The
 * kernel hands the switch's datagrams to the connected socket and every other one here. After a failover the switch's
 * socket has another port, and this one follows ({@link #follow}).
 *
 * <p>A {@link NativeUdpSocket}, so that the frames of one TCP segment from the TAP leave for a peer in one system call
 * (UDP GSO), and a peer's arrive several per read (UDP GRO), as on the path to the switch. The receiving thread blocks
 * in {@link #receive}; replacing or closing the socket wakes it.
 */
final class DirectSocket implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DirectSocket.class);
    /** As the switch's socket: room for bursts. */
    private static final int BUFFER_BYTES = 4 << 20;

    private volatile NativeUdpSocket socket;
    private volatile boolean closed;
    /** The switch socket's address this one was last asked to follow; only the monitor thread. */
    private InetSocketAddress following;
    /** The datagrams of the last GRO read still to hand over, and who sent them; only the receiving thread. */
    private final GroReads groReads = new GroReads();
    private InetSocketAddress groSource;

    /**
     * Binds to the port of {@code switchLocal} (the switch socket's local address), again when it changed. False when no
     * socket is open: none to follow, or the kernel refused (said once per address).
     */
    boolean follow(InetSocketAddress switchLocal) {
        if (switchLocal == null || closed || switchLocal.equals(following)) {
            return socket != null;
        }
        following = switchLocal;
        NativeUdpSocket opened;
        try {
            InetAddress any = InetAddress.getByName(switchLocal.getAddress() instanceof Inet6Address ? "::" : "0.0.0.0");
            opened = NativeUdpSocket.openUnconnected(new InetSocketAddress(any, switchLocal.getPort()), BUFFER_BYTES);
        } catch (VportException | UnknownHostException e) {
            LOG.warnf("no direct paths: %s", e.getMessage());
            return socket != null;
        }
        opened.enableGro();
        NativeUdpSocket old;
        synchronized (this) {
            if (closed) {
                opened.close();
                return false;
            }
            old = socket;
            socket = opened;
            notifyAll();
        }
        if (old != null) {
            old.close();
        }
        return true;
    }

    /** Sends a rare message (a handshake, a keepalive) to {@code to}; false when it was not sent. */
    boolean send(ByteBuffer datagram, InetSocketAddress to) {
        ByteBuffer direct = datagram.isDirect() ? datagram
                : ByteBuffer.allocateDirect(datagram.remaining()).put(datagram).flip();
        return sendTo(direct, NativeUdpSocket.target(to));
    }

    /** Sends the direct buffer's remaining bytes to {@code target} ({@link NativeUdpSocket#target}). */
    boolean sendTo(ByteBuffer datagram, ByteBuffer target) {
        NativeUdpSocket open = socket;
        return open != null && open.sendTo(datagram, target) == SendResult.SENT;
    }

    /** As {@link NativeUdpSocket#sendSegmentsTo}: one system call for up to 64 datagrams of one size. */
    boolean sendSegmentsTo(ByteBuffer datagrams, int segmentSize, ByteBuffer target) {
        NativeUdpSocket open = socket;
        boolean sent = open != null && open.sendSegmentsTo(datagrams, segmentSize, target) == SendResult.SENT;
        datagrams.position(datagrams.limit()); // what a failure left unsent is dropped, as one datagram would be
        return sent;
    }

    /**
     * Blocks until a datagram arrives and reads it into {@code buffer} (a 64 KiB direct one, cleared first, then holding
     * it from 0 to its position); returns who sent it, or null once closed.
     */
    InetSocketAddress receive(ByteBuffer buffer) {
        if (groReads.next(buffer) >= 0) {
            return groSource;
        }
        while (!closed) {
            NativeUdpSocket open = awaitSocket();
            if (open == null) {
                return null;
            }
            int length = open.receive(buffer);
            if (length >= 0) {
                groSource = open.receivedFrom();
                groReads.split(buffer, length, open.receivedSegmentSize());
                return groSource;
            }
            // CLOSED: replaced by follow() or closed by close(), which the loop condition tells apart; UNREACHABLE or
            // FAILED: an ICMP error queued on the socket by a send to a peer that is gone, and the next receive goes on
        }
        return null;
    }

    /** Whether another datagram can be handed over at once, from the last read or queued (the receiving thread). */
    boolean datagramWaiting() {
        NativeUdpSocket open = socket;
        return groReads.hasWaiting() || (open != null && open.datagramWaiting());
    }

    private synchronized NativeUdpSocket awaitSocket() {
        while (socket == null && !closed) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return closed ? null : socket;
    }

    @Override
    public void close() {
        NativeUdpSocket open;
        synchronized (this) {
            closed = true;
            open = socket;
            notifyAll();
        }
        if (open != null) {
            open.close();
        }
    }
}
