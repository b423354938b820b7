package dev.vswitch.server.secure;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The expensive half of handshakes (the Diffie-Hellman of reading an initiation and writing the response) on threads of
 * their own, so that a flood of initiations never delays the forwarding event loop: it only checks mac1, cookies and
 * rate limits, and queues what passes here.
 *
 * <p>Two bounded queues: initiations from known sources (an address that completed a handshake recently) are taken
 * before those from strangers, so members keep rekeying during a flood. A full queue drops its oldest initiation to
 * make room for the newest (a vport retries with a new one anyway, so the newest is the one worth answering); every
 * drop is counted {@link HandshakeResult#BUSY}.
 */
final class HandshakeWorkers implements AutoCloseable {

    /** An initiation that passed the event loop's cheap checks. */
    record Job(byte[] message, InetSocketAddress sender, long receivedNanos) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition waiting = lock.newCondition();
    private final ArrayDeque<Job> known = new ArrayDeque<>();
    private final ArrayDeque<Job> strangers = new ArrayDeque<>();
    private final int capacity;
    private final SecureCounters counters;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean closed;

    /**
     * @param workers  threads doing handshakes
     * @param capacity initiations each queue holds
     * @param work     what a worker does with an initiation (on its own thread)
     */
    HandshakeWorkers(int workers, int capacity, SecureCounters counters, Consumer<Job> work) {
        this.capacity = capacity;
        this.counters = counters;
        for (int i = 0; i < workers; i++) {
            Thread thread = new Thread(() -> run(work), "vswitch-handshake-" + i);
            thread.setDaemon(true);
            threads.add(thread);
        }
    }

    void start() {
        threads.forEach(Thread::start);
    }

    /** Queues an initiation; from the event loop. */
    void submit(Job job, boolean fromKnownSource) {
        ArrayDeque<Job> queue = fromKnownSource ? known : strangers;
        lock.lock();
        try {
            if (queue.size() >= capacity) {
                queue.pollFirst();
                counters.handshake(HandshakeResult.BUSY);
            }
            queue.addLast(job);
            waiting.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Initiations waiting, both queues together. */
    int queued() {
        lock.lock();
        try {
            return known.size() + strangers.size();
        } finally {
            lock.unlock();
        }
    }

    private void run(Consumer<Job> work) {
        while (!closed) {
            Job job;
            try {
                job = take();
            } catch (InterruptedException e) {
                return;
            }
            if (job != null) {
                work.accept(job);
            }
        }
    }

    /** The next initiation, known sources first; null after a while without one (to look at {@link #closed}). */
    private Job take() throws InterruptedException {
        lock.lock();
        try {
            if (known.isEmpty() && strangers.isEmpty()) {
                waiting.await(1, TimeUnit.SECONDS);
            }
            Job next = known.pollFirst();
            return next != null ? next : strangers.pollFirst();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        threads.forEach(Thread::interrupt);
    }
}
