package dev.vswitch.vport.direct;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import org.jboss.logging.Logger;

/**
 * The socket of the direct paths: unconnected, bound to the port of the socket connected to the switch ({@code
 * SO_REUSEPORT} on both), so a NAT maps both to one public endpoint, the one the switch sees and tells the peers. The
 * kernel hands the switch's datagrams to the connected socket and every other one here. After a failover the switch's
 * socket has another port, and this one follows ({@link #follow}).
 *
 * <p>The receiving thread blocks in {@link #receive}; replacing or closing the channel wakes it.
 */
final class DirectSocket implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DirectSocket.class);
    /** As the switch's socket: room for bursts. */
    private static final int BUFFER_BYTES = 4 << 20;

    private volatile DatagramChannel channel;
    private volatile boolean closed;
    /** The switch socket's address this one was last asked to follow; only the monitor thread. */
    private InetSocketAddress following;

    /**
     * Binds to the port of {@code switchLocal} (the switch socket's local address), again when it changed. False when no
     * socket is open: none to follow, or the kernel refused (said once per address).
     */
    boolean follow(InetSocketAddress switchLocal) {
        if (switchLocal == null || closed) {
            return channel != null;
        }
        if (switchLocal.equals(following)) {
            return channel != null;
        }
        following = switchLocal;
        boolean six = switchLocal.getAddress() instanceof Inet6Address;
        DatagramChannel opened;
        try {
            opened = DatagramChannel.open(six ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        } catch (IOException e) {
            LOG.warnf("no direct paths: cannot open a UDP socket: %s", e.getMessage());
            return channel != null;
        }
        try {
            opened.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            opened.setOption(StandardSocketOptions.SO_RCVBUF, BUFFER_BYTES);
            opened.setOption(StandardSocketOptions.SO_SNDBUF, BUFFER_BYTES);
            InetAddress any = InetAddress.getByName(six ? "::" : "0.0.0.0");
            opened.bind(new InetSocketAddress(any, switchLocal.getPort()));
        } catch (IOException | UnsupportedOperationException e) {
            close(opened);
            LOG.warnf("no direct paths: cannot share UDP port %d with the switch's socket: %s", switchLocal.getPort(),
                    e.getMessage());
            return channel != null;
        }
        DatagramChannel old;
        synchronized (this) {
            if (closed) {
                close(opened);
                return false;
            }
            old = channel;
            channel = opened;
            notifyAll();
        }
        if (old != null) {
            close(old);
        }
        return true;
    }

    /** Sends the buffer's remaining bytes to {@code to}; false when it was not sent (no socket, no route, being replaced). */
    boolean send(ByteBuffer datagram, InetSocketAddress to) {
        DatagramChannel open = channel;
        if (open == null) {
            return false;
        }
        try {
            return open.send(datagram, to) > 0;
        } catch (IOException | RuntimeException e) { // an unreachable network, a channel closed by follow()
            return false;
        }
    }

    /**
     * Blocks until a datagram arrives and reads it into {@code buffer} (cleared first, then holding it from 0 to its
     * position); returns who sent it, or null once closed.
     */
    InetSocketAddress receive(ByteBuffer buffer) {
        while (!closed) {
            DatagramChannel open = awaitChannel();
            if (open == null) {
                return null;
            }
            buffer.clear();
            try {
                InetSocketAddress from = (InetSocketAddress) open.receive(buffer);
                if (from != null) {
                    return from;
                }
            } catch (ClosedChannelException e) {
                // replaced by follow() or closed by close(): the loop condition tells which
            } catch (IOException e) {
                // an ICMP error queued on the socket: the next receive goes on
            }
        }
        return null;
    }

    private synchronized DatagramChannel awaitChannel() {
        while (channel == null && !closed) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return closed ? null : channel;
    }

    @Override
    public void close() {
        DatagramChannel open;
        synchronized (this) {
            closed = true;
            open = channel;
            notifyAll();
        }
        if (open != null) {
            close(open);
        }
    }

    private static void close(DatagramChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // closing a UDP socket does not fail in a way that matters here
        }
    }
}
