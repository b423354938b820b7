package dev.vswitch.vport.link;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The threads of a running vport, plain or secure: one forwarding TAP to switch, one forwarding switch to
 * TAP, and a scheduler for keepalives and checks. Closing stops the scheduler, closes the link (which wakes
 * the blocked receiver) and waits a bounded time for the forwarders.
 */
public final class LinkThreads {

    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);

    private final Thread tapToSwitch;
    private final Thread switchToTap;
    private final ScheduledExecutorService monitor = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "vport-monitor");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean running = true;

    public LinkThreads(Runnable forwardTapToSwitch, Runnable forwardSwitchToTap) {
        this.tapToSwitch = new Thread(forwardTapToSwitch, "vport-tap-to-switch");
        this.switchToTap = new Thread(forwardSwitchToTap, "vport-switch-to-tap");
        tapToSwitch.setDaemon(true);
        switchToTap.setDaemon(true);
    }

    /** Starts both forwarders; the caller then schedules its monitoring on {@link #monitor()}. */
    public void start() {
        tapToSwitch.start();
        switchToTap.start();
    }

    public ScheduledExecutorService monitor() {
        return monitor;
    }

    /** False once closing began: the forwarding loops end and failures are no longer reported. */
    public boolean isRunning() {
        return running;
    }

    public void close(SwitchLink link) throws InterruptedException {
        running = false;
        monitor.shutdownNow();
        link.close();
        tapToSwitch.join(JOIN_TIMEOUT.toMillis());
        switchToTap.join(JOIN_TIMEOUT.toMillis());
        monitor.awaitTermination(JOIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
