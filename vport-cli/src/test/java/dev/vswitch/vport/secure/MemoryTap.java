package dev.vswitch.vport.secure;

import dev.vswitch.vport.tap.FrameDevice;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A TAP device in memory: the test puts frames in as the kernel would send them, and takes out what vport wrote. */
final class MemoryTap implements FrameDevice {

    final BlockingQueue<byte[]> toVport = new LinkedBlockingQueue<>();
    final BlockingQueue<byte[]> written = new LinkedBlockingQueue<>();

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
}
