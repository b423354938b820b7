package dev.vswitch.server;

import dev.vswitch.protocol.testing.TestFrames;

import java.io.IOException;

/** A real UDP socket on loopback that plays a vport: sends crafted frames to the switch, receives what it forwards. */
final class VportSocket implements AutoCloseable {

    final long mac;
    private final LoopbackUdp udp;

    VportSocket(long mac, int switchPort) throws IOException {
        this.mac = mac;
        this.udp = new LoopbackUdp(switchPort);
    }

    byte[] frameTo(long destination, int length) {
        return TestFrames.frame(destination, mac, 0x0800, length);
    }

    void send(byte[] datagram) throws IOException {
        udp.send(datagram);
    }

    void sendKeepalive() throws IOException {
        sendKeepalive(false);
    }

    /** A keepalive that says whether this vport takes offload frames ({@code vport --legacy --offload}). */
    void sendKeepalive(boolean offload) throws IOException {
        send(TestFrames.keepaliveRequest(mac, offload));
    }

    byte[] receive() throws IOException {
        return udp.receive();
    }

    /** The next datagram within {@code timeoutMillis}, or null when none came. */
    byte[] receiveWithin(int timeoutMillis) throws IOException {
        return udp.receiveWithin(timeoutMillis);
    }

    boolean staysSilent() throws IOException {
        return udp.staysSilent();
    }

    @Override
    public void close() {
        udp.close();
    }
}
