package dev.vswitch.server.secure;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The expensive half of handshakes (the Diffie-Hellman of reading an initiation and writing the response) on threads of
 * their own, so that a flood of initiations never delays the forwarding event loop: it only checks mac1, cookies and
 * rate limits, and queues what passes here.
 *
 * <p>Initiations from known sources (an address that completed a handshake recently) are taken before those from
 * strangers, so members keep rekeying during a flood. Strangers are served in turn, one initiation per source (its
 * address, or its /64) per round: a flood from many addresses then costs a newcomer one place in the round per flooding
 * source, not a place behind everything they sent. Each source holds at most {@link #PER_SOURCE} waiting initiations
 * (a vport retries with a new one anyway, so its newest is the one worth answering: the oldest goes); at most
 * {@code capacity} known initiations and {@code capacity} stranger sources wait. Every drop is counted
 * {@link HandshakeResult#BUSY}.
 *
 * <p>With no worker threads the work is done at once, on the thread that submits (the event loop): for a one-core
 * machine, where another thread gains nothing, and for tests, which then run handshakes deterministically.
 */
final class HandshakeWorkers implements AutoCloseable {

    /** An initiation that passed the event loop's cheap checks. */
    record Job(byte[] message, InetSocketAddress sender, long receivedNanos) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition waiting = lock.newCondition();
    /** Initiations a stranger source may have waiting. */
    static final int PER_SOURCE = 2;

    private final ArrayDeque<Job> known = new ArrayDeque<>();
    /** Each waiting stranger source's initiations, oldest first. */
    private final Map<String, ArrayDeque<Job>> bySource = new HashMap<>();
    /** The stranger sources with initiations waiting, in the order they are served. */
    private final ArrayDeque<String> turns = new ArrayDeque<>();
    private final int capacity;
    private final SecureCounters counters;
    private final Consumer<Job> work;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean closed;

    /**
     * @param workers  threads doing handshakes; 0 for none (the work is done as it is submitted)
     * @param capacity initiations each queue holds
     * @param work     what a worker does with an initiation (on its own thread)
     */
    HandshakeWorkers(int workers, int capacity, SecureCounters counters, Consumer<Job> work) {
        this.capacity = capacity;
        this.counters = counters;
        this.work = work;
        for (int i = 0; i < workers; i++) {
            Thread thread = new Thread(this::run, "vswitch-handshake-" + i);
            thread.setDaemon(true);
            threads.add(thread);
        }
    }

    void start() {
        threads.forEach(Thread::start);
    }

    /** Queues an initiation from {@code source} (its rate-limit key); from the event loop. */
    void submit(Job job, boolean fromKnownSource, String source) {
        lock.lock();
        try {
            if (fromKnownSource) {
                if (known.size() >= capacity) {
                    known.pollFirst();
                    counters.handshake(HandshakeResult.BUSY);
                }
                known.addLast(job);
            } else if (!queueStranger(job, source)) {
                counters.handshake(HandshakeResult.BUSY);
                return;
            }
            waiting.signal();
        } finally {
            lock.unlock();
        }
        if (threads.isEmpty()) {
            for (Job next = poll(); next != null; next = poll()) {
                work.accept(next);
            }
        }
    }

    /** False when the initiation was dropped: every place for a new source is taken. Holds the lock. */
    private boolean queueStranger(Job job, String source) {
        ArrayDeque<Job> jobs = bySource.get(source);
        if (jobs == null) {
            if (bySource.size() >= capacity) {
                return false;
            }
            jobs = new ArrayDeque<>(PER_SOURCE);
            bySource.put(source, jobs);
            turns.addLast(source);
        } else if (jobs.size() >= PER_SOURCE) {
            jobs.pollFirst();
            counters.handshake(HandshakeResult.BUSY);
        }
        jobs.addLast(job);
        return true;
    }

    private void run() {
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
            if (known.isEmpty() && turns.isEmpty()) {
                waiting.await(1, TimeUnit.SECONDS);
            }
            return next();
        } finally {
            lock.unlock();
        }
    }

    /** The next initiation, or null when none waits; without waiting. */
    private Job poll() {
        lock.lock();
        try {
            return next();
        } finally {
            lock.unlock();
        }
    }

    /** Known sources first. Holds the lock. */
    private Job next() {
        Job next = known.pollFirst();
        return next != null ? next : nextStranger();
    }

    /** The oldest initiation of the stranger source whose turn it is, or null; that source goes to the back. Holds the lock. */
    private Job nextStranger() {
        String source = turns.pollFirst();
        if (source == null) {
            return null;
        }
        ArrayDeque<Job> jobs = bySource.get(source);
        Job next = jobs.pollFirst();
        if (jobs.isEmpty()) {
            bySource.remove(source);
        } else {
            turns.addLast(source);
        }
        return next;
    }

    @Override
    public void close() {
        closed = true;
        threads.forEach(Thread::interrupt);
    }
}
