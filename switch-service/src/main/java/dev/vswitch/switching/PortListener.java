package dev.vswitch.switching;

/** Told when a port of a network comes and goes, so the edge can keep per-port state (metrics) in step. */
public interface PortListener<E> {

    void attached(Port<E> port);

    void detached(Port<E> port);
}
