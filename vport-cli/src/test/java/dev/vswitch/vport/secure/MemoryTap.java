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
    public int read(ByteBuffer frame, int timeoutMillis) {
        byte[] next;
        try {
            next = toVport.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
        if (next == null) {
            return 0;
        }
        frame.clear();
        frame.put(next).flip();
        return next.length;
    }

    @Override
    public boolean write(ByteBuffer frame) {
        byte[] copy = new byte[frame.remaining()];
        frame.get(copy);
        written.add(copy);
        return true;
    }
}
