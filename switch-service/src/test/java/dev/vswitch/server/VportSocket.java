package dev.vswitch.server;

import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.Keepalive;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** A real UDP socket on loopback that plays a vport: sends crafted frames to the switch, receives what it forwards. */
final class VportSocket implements AutoCloseable {

    /** How long to wait for a datagram that must arrive, and for one that must not. */
    private static final int ARRIVAL_TIMEOUT_MS = 2000;
    private static final int SILENCE_MS = 300;

    final long mac;
    private final DatagramSocket socket;
    private final InetSocketAddress switchAddress;

    VportSocket(long mac, int switchPort) throws IOException {
        this.mac = mac;
        this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.switchAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(), switchPort);
    }

    static byte[] frame(long destination, long source, int etherType, int length) {
        ByteBuffer frame = ByteBuffer.allocate(length);
        EthernetFrame.writeMac(frame, EthernetFrame.DESTINATION_OFFSET, destination);
        EthernetFrame.writeMac(frame, EthernetFrame.SOURCE_OFFSET, source);
        frame.putShort(EthernetFrame.ETHER_TYPE_OFFSET, (short) etherType);
        for (int i = EthernetFrame.HEADER_LENGTH; i < length; i++) {
            frame.put(i, (byte) i);
        }
        return frame.array();
    }

    byte[] frameTo(long destination, int length) {
        return frame(destination, mac, 0x0800, length);
    }

    void send(byte[] datagram) throws IOException {
        socket.send(new DatagramPacket(datagram, datagram.length, switchAddress));
    }

    void sendKeepalive() throws IOException {
        ByteBuffer request = ByteBuffer.allocate(Keepalive.LENGTH);
        Keepalive.writeRequest(request, mac);
        send(request.array());
    }

    /** The next datagram from the switch; fails the test if none comes in time. */
    byte[] receive() throws IOException {
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

    /** True when no datagram arrives within a short quiet period. */
    boolean staysSilent() throws IOException {
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
