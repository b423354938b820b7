package dev.vswitch.server.udp;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/** Sends datagrams from pooled direct buffers: what the data path needs of a UDP port ({@link UdpEdge}). */
public interface DatagramSender {

    /** A buffer for one outgoing datagram of up to {@code capacity} bytes; fill it and pass it to {@link #send}. */
    ByteBuf datagramBuffer(int capacity);

    /** Sends {@code datagram} (and takes it over) to {@code to}; false, with it released, when the send queue is full. */
    boolean send(ByteBuf datagram, InetSocketAddress to);
}
