package dev.vswitch.e2e;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A separate program, run inside a host namespace, that stands between a vport and the switch like a NAT or a relay:
 * it listens on {@code LISTEN_HOST:LISTEN_PORT} for the vport, forwards every datagram to the switch from an upstream
 * socket of its own, and sends the switch's datagrams back to the vport. Once it has forwarded {@code SWITCH_AFTER}
 * bytes upstream, it closes its upstream socket and opens a new one, so that the switch sees the vport's traffic
 * come from a new source port, as after a NAT rebinding; what the switch still sends to the old port is lost. It
 * prints when the switch's first datagram arrives at the new port, and stops by itself after {@code SECONDS}.
 *
 * <p>Usage: {@code UdpRelay LISTEN_HOST LISTEN_PORT SWITCH_HOST SWITCH_PORT SWITCH_AFTER SECONDS}
 */
public final class UdpRelay {

    private static final int POLL_MILLIS = 200;
    private static final int MAX_DATAGRAM = 65_535;

    private final DatagramSocket downstream;
    private final InetSocketAddress target;
    private final long deadline;
    private final AtomicLong upDatagrams = new AtomicLong();
    private final AtomicLong downDatagrams = new AtomicLong();
    private volatile DatagramSocket upstream;
    private volatile SocketAddress client;

    private UdpRelay(DatagramSocket downstream, InetSocketAddress target, long deadline) {
        this.downstream = downstream;
        this.target = target;
        this.deadline = deadline;
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        InetSocketAddress listen = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        InetSocketAddress target = new InetSocketAddress(args[2], Integer.parseInt(args[3]));
        long switchAfter = Long.parseLong(args[4]);
        long deadline = System.nanoTime() + Long.parseLong(args[5]) * 1_000_000_000L;
        try (DatagramSocket downstream = new DatagramSocket(listen)) {
            downstream.setSoTimeout(POLL_MILLIS);
            new UdpRelay(downstream, target, deadline).run(switchAfter);
        }
    }

    private void run(long switchAfter) throws IOException, InterruptedException {
        upstream = openUpstream(-1);
        System.out.println("relay: listening on " + downstream.getLocalSocketAddress() + ", forwarding to " + target
                + " from upstream port " + upstream.getLocalPort());
        long upBytes = 0;
        boolean switched = false;
        byte[] buffer = new byte[MAX_DATAGRAM];
        while (System.nanoTime() < deadline) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                downstream.receive(packet);
            } catch (SocketTimeoutException e) {
                continue;
            }
            client = packet.getSocketAddress();
            try {
                upstream.send(new DatagramPacket(packet.getData(), packet.getLength(), target));
                upDatagrams.incrementAndGet();
            } catch (IOException e) {
                // Lost, as on any network; the vport's protocol copes.
            }
            upBytes += packet.getLength();
            if (!switched && upBytes >= switchAfter) {
                DatagramSocket old = upstream;
                int oldPort = old.getLocalPort();
                upstream = openUpstream(System.nanoTime());
                old.close();
                switched = true;
                System.out.println("relay: new upstream port " + upstream.getLocalPort() + " (was " + oldPort
                        + ") after " + upBytes + " bytes upstream");
            }
        }
        System.out.println("relay: done, " + upDatagrams + " datagrams up, " + downDatagrams + " down");
    }

    /**
     * A new upstream socket, and a thread that sends what arrives on it to the vport. {@code openedAt} is when the
     * relay moved to it (-1 for the first): the thread then reports the switch's first datagram to the new port.
     */
    private DatagramSocket openUpstream(long openedAt) throws SocketException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(0));
        socket.setSoTimeout(POLL_MILLIS);
        Thread reader = new Thread(() -> relayDown(socket, openedAt), "relay-down-" + socket.getLocalPort());
        reader.setDaemon(true);
        reader.start();
        return socket;
    }

    private void relayDown(DatagramSocket socket, long openedAt) {
        byte[] buffer = new byte[MAX_DATAGRAM];
        boolean first = true;
        while (!socket.isClosed() && System.nanoTime() < deadline) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                return; // closed by the move to a new port
            }
            if (first && openedAt >= 0) {
                System.out.println("relay: first datagram from the switch on the new upstream port "
                        + socket.getLocalPort() + " after " + (System.nanoTime() - openedAt) / 1_000_000 + " ms");
            }
            first = false;
            SocketAddress vport = client;
            if (vport != null) {
                try {
                    downstream.send(new DatagramPacket(packet.getData(), packet.getLength(), vport));
                    downDatagrams.incrementAndGet();
                } catch (IOException e) {
                    // Lost, as on any network.
                }
            }
        }
    }
}
