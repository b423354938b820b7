package dev.vswitch.server.capture;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One running capture: which frames it wants (a network, optionally one port's traffic) and a bounded
 * queue between the event loop and the HTTP stream. When the reader falls behind, frames are dropped and
 * counted rather than slowing the switch.
 */
public final class CaptureTap {

    /** Any port of the network. */
    public static final int ANY_PORT = -1;
    private static final int QUEUE_CAPACITY = 4096;

    private final String network;
    private final int port;
    private final BlockingQueue<byte[]> frames = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final AtomicLong dropped = new AtomicLong();

    CaptureTap(String network, int port) {
        this.network = network;
        this.port = port;
    }

    /** Does a frame that came in on {@code ingress} and goes to {@code egress} (ANY_PORT: flooded) concern this tap? */
    boolean wants(String frameNetwork, int ingress, int egress) {
        if (!network.equals(frameNetwork)) {
            return false;
        }
        return port == ANY_PORT || ingress == port || egress == port || (egress == ANY_PORT && ingress != port);
    }

    void offer(byte[] frame) {
        if (!frames.offer(frame)) {
            dropped.incrementAndGet();
        }
    }

    /** The next frame, or null if none arrived within the wait. */
    public byte[] poll(long timeoutMillis) throws InterruptedException {
        return frames.poll(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /** Frames lost because the reader was slower than the traffic. */
    public long dropped() {
        return dropped.get();
    }
}
