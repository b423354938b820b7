package dev.vswitch.vport.link;

import dev.vswitch.vport.VportException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Tells the main thread to tear the vport down: either a clean stop (Ctrl-C, SIGTERM) or the first failure
 * of a forwarding thread. Later calls change nothing, so the first cause is the one reported.
 */
public final class StopSignal {

    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicReference<VportException> failure = new AtomicReference<>();

    public void stop() {
        stopped.countDown();
    }

    public void fail(VportException cause) {
        if (stopped.getCount() > 0) {
            failure.compareAndSet(null, cause);
        }
        stopped.countDown();
    }

    /** True once stopped or failed. */
    public boolean isStopped() {
        return stopped.getCount() == 0;
    }

    /** Blocks until stopped; returns the failure that stopped it, or null for a clean stop. */
    public VportException await() throws InterruptedException {
        stopped.await();
        return failure.get();
    }
}
