package dev.vswitch.vport.tap;

import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TAP device in memory: the test puts frames in as the kernel would send them, and takes out what vport wrote. With
 * offload, as a TAP opened with {@code IFF_VNET_HDR}, each of them starts with the virtio_net_hdr the test put there or
 * expects.
 */
public final class MemoryTap implements FrameDevice {

    public final BlockingQueue<byte[]> toVport = new LinkedBlockingQueue<>();
    public final BlockingQueue<byte[]> written = new LinkedBlockingQueue<>();
    /** Writes begun, whether or not they are still held at {@link #writeGate}. */
    public final AtomicInteger writesBegun = new AtomicInteger();
    /** When set, every write waits (up to 10 s) until it opens: as a TAP whose writer the kernel keeps busy. */
    public volatile CountDownLatch writeGate;
    /** The MTU vport set at run time, or 0. */
    public volatile int mtu;
    private final boolean offload;

    public MemoryTap() {
        this(false);
    }

    public MemoryTap(boolean offload) {
        this.offload = offload;
    }

    @Override
    public int readNow(ByteBuffer frame) {
        byte[] next = toVport.poll();
        if (next == null) {
            return 0;
        }
        frame.clear();
        frame.put(next).flip();
        return next.length;
    }

    /** Waits for the test to put a frame in ({@link #toVport}); polls, since a queue cannot be watched without taking. */
    @Override
    public boolean awaitFrame(int timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (toVport.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return !toVport.isEmpty();
    }

    @Override
    public boolean write(ByteBuffer frame) {
        writesBegun.incrementAndGet();
        CountDownLatch gate = writeGate;
        try {
            if (gate != null && !gate.await(10, TimeUnit.SECONDS)) {
                return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        byte[] copy = new byte[frame.remaining()];
        frame.get(copy);
        written.add(copy);
        return true;
    }

    @Override
    public void setMtu(int mtu) {
        this.mtu = mtu;
    }

    @Override
    public boolean offload() {
        return offload;
    }
}
