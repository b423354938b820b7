package dev.vswitch.server.udp;

/** Where the UDP ports report how long their event loop takes: sampled per-datagram work, and scheduling lag. */
public interface PortTimings {

    /** Handling one datagram took this long (the caller samples; not every datagram is reported). */
    void forwarding(long nanos);

    /** The once-a-second sweep ran this much later than scheduled: the event loop was busy. */
    void eventLoopLag(long nanos);
}
