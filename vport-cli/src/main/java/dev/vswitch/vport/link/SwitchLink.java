package dev.vswitch.vport.link;

import dev.vswitch.vport.ExitCode;
import dev.vswitch.vport.VportException;
import dev.vswitch.vport.values.HostPort;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import org.jboss.logging.Logger;

/**
 * The UDP path to the switch: one datagram per frame on a channel connected to the switch's address, so the
 * kernel filters out strangers and receiving needs no per-datagram address object.
 *
 * <p>Send and receive failures are counted, never thrown: while the switch restarts its host answers
 * "port unreachable", and the vport must keep running until it is back. The channel can be replaced while
 * both forwarding threads use it ({@link #reconnect}); closing the old one wakes the blocked receiver,
 * which then continues on the new one.
 */
public final class SwitchLink implements SwitchConnection {

    private static final Logger LOG = Logger.getLogger(SwitchLink.class);

    /**
     * Room for bursts: the default (about 200 KiB) overflows at a few thousand full frames per second, and with --offload
     * a datagram may hold 64 KB. The kernel caps it at net.core.rmem_max / wmem_max.
     */
    private static final int SOCKET_BUFFER_BYTES = 4 << 20;

    private final LinkCounters counters;
    private volatile DatagramChannel channel;
    private volatile InetSocketAddress remote;
    private volatile boolean closed;
    private boolean resolveFailing; // only the monitoring thread follows the address

    private SwitchLink(DatagramChannel channel, InetSocketAddress remote, LinkCounters counters) {
        this.channel = channel;
        this.remote = remote;
        this.counters = counters;
    }

    public static SwitchLink connect(InetSocketAddress remote, LinkCounters counters) {
        try {
            return new SwitchLink(openChannel(remote), remote, counters);
        } catch (IOException e) {
            throw new VportException(ExitCode.RUNTIME_ERROR, "cannot reach switch " + remote + ": " + e.getMessage());
        }
    }

    /**
     * The switch's name may point elsewhere now (dynamic DNS, a rescheduled pod): resolves it again and
     * reconnects when it moved; returns true then. A failing lookup is logged once, not every time.
     */
    public boolean followAddressChange(HostPort target) {
        if (target.isLiteral()) {
            return false;
        }
        InetSocketAddress resolved;
        try {
            resolved = target.resolve();
        } catch (VportException e) {
            if (!resolveFailing) {
                LOG.warnf("%s; still sending to %s", e.getMessage(), remote().getAddress().getHostAddress());
                resolveFailing = true;
            }
            return false;
        }
        resolveFailing = false;
        if (resolved.equals(remote())) {
            return false;
        }
        try {
            reconnect(resolved);
            LOG.infof("switch %s now resolves to %s; reconnected", target, resolved.getAddress().getHostAddress());
            return true;
        } catch (IOException e) {
            LOG.warnf("cannot reconnect to switch %s at %s: %s", target, resolved.getAddress().getHostAddress(), e.getMessage());
            return false;
        }
    }

    @Override
    public InetSocketAddress remote() {
        return remote;
    }

    @Override
    public boolean send(ByteBuffer datagram) {
        try {
            channel.write(datagram);
            return true;
        } catch (PortUnreachableException e) {
            counters.drop(LinkCounters.Drop.SWITCH_UNREACHABLE);
        } catch (IOException e) {
            counters.drop(LinkCounters.Drop.LINK_ERROR);
        }
        return false;
    }

    @Override
    public int receive(ByteBuffer buffer) {
        while (!closed) {
            DatagramChannel current = channel;
            buffer.clear();
            try {
                return current.read(buffer);
            } catch (PortUnreachableException e) {
                counters.drop(LinkCounters.Drop.SWITCH_UNREACHABLE);
            } catch (ClosedChannelException e) {
                // Replaced by reconnect() or closed by close(): the loop condition tells which.
            } catch (IOException e) {
                counters.drop(LinkCounters.Drop.LINK_ERROR);
            }
        }
        return -1;
    }

    /** Moves the link to {@code newRemote}: the new channel is connected before the old one is closed. */
    @Override
    public synchronized void reconnect(InetSocketAddress newRemote) throws IOException {
        if (closed) {
            return;
        }
        DatagramChannel old = channel;
        channel = openChannel(newRemote);
        remote = newRemote;
        old.close();
    }

    @Override
    public synchronized void close() {
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            // Closing a UDP socket cannot lose data; nothing to report.
        }
    }

    private static DatagramChannel openChannel(InetSocketAddress remote) throws IOException {
        StandardProtocolFamily family = remote.getAddress() instanceof Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        DatagramChannel channel = DatagramChannel.open(family);
        try {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER_BYTES);
            channel.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER_BYTES);
            channel.connect(remote);
            return channel;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }
}
