package dev.vswitch.server.capture;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.Arrays;

/**
 * The running captures. The data path asks {@link #active()} first: one volatile read, so capturing
 * costs nothing while nobody captures; only then does it copy frames for the taps that want them.
 */
@ApplicationScoped
public class Captures {

    private static final CaptureTap[] NONE = new CaptureTap[0];

    private volatile CaptureTap[] taps = NONE;

    public boolean active() {
        return taps.length != 0;
    }

    /** Hands a copy of the frame to every tap that wants it; call only when {@link #active()}. */
    public void offer(String network, int ingress, int egress, byte[] frame, int offset, int length) {
        byte[] copy = null;
        for (CaptureTap tap : taps) {
            if (tap.wants(network, ingress, egress)) {
                if (copy == null) {
                    copy = Arrays.copyOfRange(frame, offset, offset + length);
                }
                tap.offer(copy);
            }
        }
    }

    public synchronized CaptureTap open(String network, int port) {
        CaptureTap tap = new CaptureTap(network, port);
        CaptureTap[] grown = Arrays.copyOf(taps, taps.length + 1);
        grown[taps.length] = tap;
        taps = grown;
        return tap;
    }

    public synchronized void close(CaptureTap tap) {
        taps = Arrays.stream(taps).filter(t -> t != tap).toArray(CaptureTap[]::new);
    }
}
