package dev.vswitch.server.udp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A {@link DatagramPort} without a socket: what a handler sends is recorded, and what it asks to run on the event loop
 * waits until the test runs it ({@link #runTasks}), in order, on the test's thread. So a handler runs in a unit test as
 * it runs behind {@link UdpEdge}, deterministically.
 */
public final class RecordingPort implements DatagramPort {

    /** A datagram the handler sent. */
    public record Sent(byte[] bytes, InetSocketAddress to) {
    }

    private final ArrayDeque<Sent> sent = new ArrayDeque<>();
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean full;
    private long bytesSent;
    private long datagramsSent;

    @Override
    public ByteBuf datagramBuffer(int capacity) {
        return Unpooled.buffer(capacity);
    }

    @Override
    public boolean send(ByteBuf datagram, InetSocketAddress to) {
        try {
            if (full) {
                return false;
            }
            sent.addLast(new Sent(ByteBufUtil.getBytes(datagram), to));
            bytesSent += datagram.readableBytes();
            datagramsSent++;
            return true;
        } finally {
            datagram.release();
        }
    }

    @Override
    public void runOnEventLoop(Runnable task) {
        tasks.addLast(task);
    }

    /** Runs the waiting event-loop tasks, and those they queue, in order. */
    public void runTasks() {
        for (Runnable task = tasks.pollFirst(); task != null; task = tasks.pollFirst()) {
            task.run();
        }
    }

    /** From now on every send is refused, as when the kernel's send queue is full (or no longer). */
    public void sendQueueFull(boolean full) {
        this.full = full;
    }

    /** Takes (removes) the datagrams sent to {@code to} so far, oldest first. */
    public List<byte[]> takeSentTo(InetSocketAddress to) {
        List<byte[]> taken = new ArrayList<>();
        for (Iterator<Sent> it = sent.iterator(); it.hasNext(); ) {
            Sent datagram = it.next();
            if (datagram.to().equals(to)) {
                taken.add(datagram.bytes());
                it.remove();
            }
        }
        return taken;
    }

    /** Takes (removes) every datagram sent so far, oldest first. */
    public List<Sent> takeAll() {
        List<Sent> taken = new ArrayList<>(sent);
        sent.clear();
        return taken;
    }

    /** Every byte and datagram sent since this port was made, whether taken or not. */
    public long bytesSent() {
        return bytesSent;
    }

    public long datagramsSent() {
        return datagramsSent;
    }
}
