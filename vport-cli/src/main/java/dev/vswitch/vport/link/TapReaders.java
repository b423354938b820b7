package dev.vswitch.vport.link;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The TAP's reading side, shared by a vport's two forwarding threads. The TAP-to-switch thread forwards whatever waits
 * on the TAP. The switch-to-TAP thread, right after it wrote a frame onto the TAP, forwards what the kernel answered
 * during that write (a TCP ACK, a ping reply): the answer leaves without waking the other thread, one thread wake-up
 * less per round trip. Each thread reads with buffers of its own ({@link Reader}); the lock keeps frames in the order
 * the TAP gave them.
 */
public final class TapReaders {

    /** At most this many frames forwarded by the switch-to-TAP thread after each write, so that it keeps up with the switch. */
    private static final int ANSWERS_PER_WRITE = 4;

    /** One thread's way of forwarding a frame from the TAP to the switch. */
    public interface Reader {
        /** Forwards the frame waiting on the TAP, if any, without waiting; false when none was waiting. */
        boolean forwardOne();
    }

    private final ReentrantLock lock = new ReentrantLock();

    /** The TAP-to-switch thread: forwards every frame waiting on the TAP. */
    public void forwardWaiting(Reader reader) {
        lock.lock();
        try {
            while (reader.forwardOne()) {
                // until the TAP has nothing more
            }
        } finally {
            lock.unlock();
        }
    }

    /** The switch-to-TAP thread, after it wrote a frame onto the TAP: a few answers, unless the other thread is at it. */
    public void forwardAnswers(Reader reader) {
        if (!lock.tryLock()) {
            return;
        }
        try {
            for (int i = 0; i < ANSWERS_PER_WRITE && reader.forwardOne(); i++) {
                // a bounded few
            }
        } finally {
            lock.unlock();
        }
    }
}
