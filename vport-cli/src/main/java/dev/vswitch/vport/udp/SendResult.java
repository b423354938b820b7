package dev.vswitch.vport.udp;

/** How a send on a {@link NativeUdpSocket} went: returned, never thrown, so that sending allocates nothing. */
public enum SendResult {
    SENT,
    /** The peer's host answered "port unreachable" to an earlier datagram (ECONNREFUSED): the switch is down or restarting. */
    UNREACHABLE,
    /** Any other failure: no route, no buffer space, a datagram too long for the path, the socket closed. */
    FAILED
}
