package dev.vswitch.server;

import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.Keepalive;

import java.io.IOException;
import java.nio.ByteBuffer;

/** A real UDP socket on loopback that plays a vport: sends crafted frames to the switch, receives what it forwards. */
final class VportSocket implements AutoCloseable {

    final long mac;
    private final LoopbackUdp udp;

    VportSocket(long mac, int switchPort) throws IOException {
        this.mac = mac;
        this.udp = new LoopbackUdp(switchPort);
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
        udp.send(datagram);
    }

    void sendKeepalive() throws IOException {
        sendKeepalive(false);
    }

    /** A keepalive that says whether this vport takes offload frames ({@code vport --legacy --offload}). */
    void sendKeepalive(boolean offload) throws IOException {
        ByteBuffer request = ByteBuffer.allocate(Keepalive.LENGTH);
        Keepalive.writeRequest(request, mac, offload);
        send(request.array());
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
