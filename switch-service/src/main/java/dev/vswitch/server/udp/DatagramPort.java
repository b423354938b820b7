package dev.vswitch.server.udp;

/**
 * What a {@link DatagramHandler} may ask of the UDP port it runs on: sending, and running work on the port's event loop
 * (from another thread, such as a handshake worker). {@link UdpEdge} is the real one; tests use a recording one.
 */
public interface DatagramPort extends DatagramSender {

    /** Runs {@code task} on the port's event loop, the only thread that touches its handler's state; sends made there go out after it. */
    void runOnEventLoop(Runnable task);
}
