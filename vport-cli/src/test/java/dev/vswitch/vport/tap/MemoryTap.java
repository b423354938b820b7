package dev.vswitch.vport.tap;

import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A TAP device in memory: the test puts frames in as the kernel would send them, and takes out what vport wrote. With
 * offload, as a TAP opened with {@code IFF_VNET_HDR}, each of them starts with the virtio_net_hdr the test put there or
 * expects.
 */
public final class MemoryTap implements FrameDevice {

    public final BlockingQueue<byte[]> toVport = new LinkedBlockingQueue<>();
    public final BlockingQueue<byte[]> written = new LinkedBlockingQueue<>();
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
