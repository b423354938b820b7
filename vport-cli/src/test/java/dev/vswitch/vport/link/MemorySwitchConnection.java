package dev.vswitch.vport.link;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The vport's end of a {@link MemoryNetwork}, behaving as {@link SwitchLink}'s connected UDP socket does: it has an
 * address of its own, takes datagrams only from the switch it is connected to, counts a "port unreachable" when it
 * receives (the kernel reports the ICMP error on the next call), and reconnecting gives it a new address, losing what
 * was queued for the old one.
 *
 * <p>It also tells the test when the vport has handled everything sent to it ({@link #handledAll}): a datagram counts
 * as handled once the receiving thread asks for the next one. Tests that move the vport's clock wait for that after
 * each step, so every answer of the switch is acted on before time moves again.
 */
public final class MemorySwitchConnection implements SwitchConnection {

    /** Queued in place of a datagram: the "port unreachable" a datagram to an address without a switch brings back. */
    private static final byte[] UNREACHABLE = new byte[0];
    /** Queued at close, to wake the receiving thread; not counted as a datagram. */
    private static final byte[] CLOSED = new byte[0];

    private final MemoryNetwork network;
    private final LinkCounters counters;
    private final BlockingQueue<byte[]> inbound = new LinkedBlockingQueue<>();
    /** Datagrams (and unreachables) queued or being handled by the receiving thread. */
    private final AtomicInteger unhandled = new AtomicInteger();
    private volatile InetSocketAddress remote;
    private volatile InetSocketAddress local;
    private volatile boolean closed;
    /** The receiving thread's own: it returned a datagram and has not come back for the next yet. */
    private boolean handling;
    /** Held while a batch is queued: a receive that took its first datagram waits until the rest are queued too. */
    private final ReentrantLock arriving = new ReentrantLock();
    /** While {@link #deliverTogether} runs: the datagrams delivered meanwhile, to be queued at once. */
    private List<byte[]> gathered;

    MemorySwitchConnection(MemoryNetwork network, InetSocketAddress remote, LinkCounters counters) {
        this.network = network;
        this.remote = remote;
        this.counters = counters;
        this.local = network.bind(this::deliver);
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    /** {@link #sendSegments} calls: the sends that would be one system call each with UDP GSO. */
    public final AtomicInteger segmentSends = new AtomicInteger();

    @Override
    public boolean sendSegments(ByteBuffer datagrams, int segmentSize) {
        segmentSends.incrementAndGet();
        return SwitchConnection.super.sendSegments(datagrams, segmentSize);
    }

    /**
     * The datagrams that {@code sends} delivers arrive as one batch, as a coalesced read (UDP GRO) brings them: the
     * receiving thread finds the rest waiting ({@link #datagramWaiting}) once it has the first.
     */
    public void deliverTogether(Runnable sends) {
        synchronized (this) {
            gathered = new ArrayList<>();
        }
        sends.run();
        arriving.lock();
        try {
            synchronized (this) {
                gathered.forEach(this::queue);
                gathered = null;
            }
        } finally {
            arriving.unlock();
        }
    }

    /** True when the vport has handled every datagram that reached it. */
    public boolean handledAll() {
        return unhandled.get() == 0;
    }

    @Override
    public InetSocketAddress remote() {
        return remote;
    }

    @Override
    public boolean send(ByteBuffer datagram) {
        byte[] bytes = new byte[datagram.remaining()];
        datagram.get(bytes);
        if (closed) {
            counters.drop(LinkCounters.Drop.LINK_ERROR); // as a write on a closed channel
            return false;
        }
        InetSocketAddress to = remote;
        if (!network.send(bytes, local, to)) {
            unreachable(to);
        }
        return true;
    }

    @Override
    public int receive(ByteBuffer buffer) {
        if (handling) {
            handling = false;
            unhandled.decrementAndGet();
        }
        while (!closed) {
            byte[] next;
            try {
                next = inbound.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
            arriving.lock(); // the rest of a batch is queued before the first is handled
            arriving.unlock();
            if (next == UNREACHABLE) {
                counters.drop(LinkCounters.Drop.SWITCH_UNREACHABLE);
                unhandled.decrementAndGet();
            } else if (next != CLOSED) {
                buffer.clear();
                buffer.put(next);
                handling = true;
                return next.length;
            }
        }
        return -1;
    }

    /** Something is queued: a datagram, an unreachable or the close, as a socket with something to read. */
    @Override
    public boolean datagramWaiting() {
        return !inbound.isEmpty();
    }

    @Override
    public synchronized void reconnect(InetSocketAddress newRemote) {
        if (closed) {
            return;
        }
        remote = newRemote;
        List<byte[]> lost = new ArrayList<>();
        inbound.drainTo(lost);
        unhandled.addAndGet(-lost.size());
        network.unbind(local);
        local = network.bind(this::deliver);
    }

    @Override
    public synchronized void close() {
        closed = true;
        network.unbind(local);
        inbound.add(CLOSED);
    }

    /** From the network: a connected socket takes datagrams from its switch only. */
    private synchronized void deliver(byte[] datagram, InetSocketAddress from) {
        if (!closed && from.equals(remote)) {
            if (gathered != null) {
                gathered.add(datagram);
            } else {
                queue(datagram);
            }
        }
    }

    /** Nothing listens at {@code to}: heard of unless the connection moved on meanwhile (its old socket would hear it). */
    private synchronized void unreachable(InetSocketAddress to) {
        if (!closed && to.equals(remote)) {
            queue(UNREACHABLE);
        }
    }

    private void queue(byte[] datagram) {
        unhandled.incrementAndGet();
        inbound.add(datagram);
    }
}
