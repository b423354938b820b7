package dev.vswitch.server;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;

/**
 * A real UDP socket on 127.0.0.1 that talks to the switch under test: sends datagrams to one port of it,
 * and waits a bounded time for an answer that must come, or for a silence that must hold.
 */
public final class LoopbackUdp implements AutoCloseable {

    private static final int ARRIVAL_TIMEOUT_MS = 2000;
    private static final int SILENCE_MS = 300;

    private final DatagramSocket socket;
    private final InetSocketAddress switchAddress;

    public LoopbackUdp(int switchPort) throws IOException {
        this(InetAddress.getLoopbackAddress(), switchPort);
    }

    /** @param loopback 127.0.0.1 or ::1: the family to talk to the switch in */
    public LoopbackUdp(InetAddress loopback, int switchPort) throws IOException {
        this.socket = new DatagramSocket(new InetSocketAddress(loopback, 0));
        this.switchAddress = new InetSocketAddress(loopback, switchPort);
    }

    /** Where the switch sees this socket: loopback and its port. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    public void send(byte[] datagram) throws IOException {
        socket.send(new DatagramPacket(datagram, datagram.length, switchAddress));
    }

    /** The next datagram from the switch; fails the test if none comes in time. */
    public byte[] receive() throws IOException {
        byte[] buffer = new byte[65536];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        socket.setSoTimeout(ARRIVAL_TIMEOUT_MS);
        try {
            socket.receive(packet);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no datagram from the switch within " + ARRIVAL_TIMEOUT_MS + " ms", e);
        }
        return Arrays.copyOf(buffer, packet.getLength());
    }

    /** The next datagram from the switch within {@code timeoutMillis}, or null when none came (lost, for load tests). */
    public byte[] receiveWithin(int timeoutMillis) throws IOException {
        byte[] buffer = new byte[65536];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        socket.setSoTimeout(timeoutMillis);
        try {
            socket.receive(packet);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return Arrays.copyOf(buffer, packet.getLength());
    }

    /** True when no datagram arrives within a short quiet period. */
    public boolean staysSilent() throws IOException {
        socket.setSoTimeout(SILENCE_MS);
        try {
            socket.receive(new DatagramPacket(new byte[65536], 65536));
            return false;
        } catch (SocketTimeoutException e) {
            return true;
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
