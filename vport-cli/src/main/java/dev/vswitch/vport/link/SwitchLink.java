package dev.vswitch.vport.link;

import dev.vswitch.vport.VportException;
import dev.vswitch.vport.values.HostPort;
import dev.vswitch.vport.udp.NativeUdpSocket;
import dev.vswitch.vport.udp.SendResult;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.jboss.logging.Logger;

/**
 * The UDP path to the switch: one datagram per frame on a socket connected to the switch's address, so the
 * kernel filters out strangers and receiving needs no per-datagram address object. The frames one TCP segment from the
 * TAP was cut into leave in one system call ({@link #sendSegments}, UDP GSO) where the kernel has it.
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
    private volatile NativeUdpSocket socket;
    /**
     * With UDP GRO the kernel hands over several datagrams of one flow in one read (on a NIC that coalesces, or from a
     * sender with GSO): the first is returned at once, the others wait here.
     */
    private final GroReads groReads = new GroReads();
    private volatile InetSocketAddress remote;
    private volatile boolean closed;
    private boolean resolveFailing; // only the monitoring thread follows the address

    private SwitchLink(NativeUdpSocket socket, InetSocketAddress remote, LinkCounters counters) {
        this.socket = socket;
        this.remote = remote;
        this.counters = counters;
    }

    /** @throws VportException with the reason in one line when no socket can be opened towards {@code remote} */
    public static SwitchLink connect(InetSocketAddress remote, LinkCounters counters) {
        return new SwitchLink(openSocket(remote), remote, counters);
    }

    /** A socket towards {@code remote} that takes coalesced reads where the kernel offers them (5.0 and later). */
    private static NativeUdpSocket openSocket(InetSocketAddress remote) {
        NativeUdpSocket socket = NativeUdpSocket.open(remote, SOCKET_BUFFER_BYTES);
        socket.enableGro();
        socket.sharePort(); // the direct paths' socket takes the port too (dev.vswitch.vport.direct.DirectSocket)
        return socket;
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
        } catch (IOException | VportException e) {
            LOG.warnf("cannot reconnect to switch %s at %s: %s", target, resolved.getAddress().getHostAddress(), e.getMessage());
            return false;
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return socket.localAddress();
    }

    @Override
    public InetSocketAddress remote() {
        return remote;
    }

    /** Frames come in direct buffers; the rare handshake message in a heap one is copied (the socket takes direct only). */
    @Override
    public boolean send(ByteBuffer datagram) {
        if (!datagram.isDirect()) {
            ByteBuffer direct = ByteBuffer.allocateDirect(datagram.remaining()).put(datagram).flip();
            return counted(socket.send(direct));
        }
        return counted(socket.send(datagram));
    }

    /** One system call with UDP GSO; without it (a kernel before 4.18) the socket sends them one by one, and says so once. */
    @Override
    public boolean sendSegments(ByteBuffer datagrams, int segmentSize) {
        boolean sent = counted(socket.sendSegments(datagrams, segmentSize));
        datagrams.position(datagrams.limit()); // what a failure left unsent is dropped, as one datagram would be
        return sent;
    }

    private boolean counted(SendResult result) {
        switch (result) {
            case SENT -> {
                return true;
            }
            case UNREACHABLE -> counters.drop(LinkCounters.Drop.SWITCH_UNREACHABLE);
            case FAILED -> counters.drop(LinkCounters.Drop.LINK_ERROR);
        }
        return false;
    }

    /** The buffer must hold 64 KiB ({@link FrameLimits#BUFFER_BYTES}): a coalesced read that does not fit is lost. */
    @Override
    public int receive(ByteBuffer buffer) {
        int waitingLength = groReads.next(buffer);
        if (waitingLength >= 0) {
            return waitingLength;
        }
        while (!closed) {
            NativeUdpSocket current = socket;
            buffer.clear();
            int length = current.receive(buffer);
            if (length >= 0) {
                return groReads.split(buffer, length, current.receivedSegmentSize());
            }
            switch (length) {
                case NativeUdpSocket.UNREACHABLE -> counters.drop(LinkCounters.Drop.SWITCH_UNREACHABLE);
                case NativeUdpSocket.CLOSED -> { } // replaced by reconnect() or closed by close(): the loop condition tells which
                default -> counters.drop(LinkCounters.Drop.LINK_ERROR);
            }
        }
        return -1;
    }

    /** The rest of a coalesced read is waiting, or the socket has a datagram queued (only the receiving thread asks). */
    @Override
    public boolean datagramWaiting() {
        return groReads.hasWaiting() || socket.datagramWaiting();
    }

    /** Moves the link to {@code newRemote}: the new socket is connected before the old one is closed. */
    @Override
    public synchronized void reconnect(InetSocketAddress newRemote) throws IOException {
        if (closed) {
            return;
        }
        NativeUdpSocket old = socket;
        socket = openSocket(newRemote);
        remote = newRemote;
        old.close();
    }

    long coalescedReads() {
        return groReads.coalescedReads();
    }

    @Override
    public synchronized void close() {
        closed = true;
        socket.close();
    }
}
