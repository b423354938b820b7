package dev.vswitch.vport.link;

import dev.vswitch.vport.ExitCode;
import dev.vswitch.vport.VportException;
import dev.vswitch.vport.tap.FrameDevice;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The threads of a running vport, plain or secure: one forwarding TAP to switch, one forwarding switch to
 * TAP, and a scheduler for keepalives and checks. The TAP-to-switch loop is the same for both protocols and
 * runs here; so does what happens when any of these threads fails: the vport stops with the reason. Closing
 * stops the scheduler, closes the link (which wakes the blocked receiver) and waits a bounded time for the
 * forwarders.
 */
public final class LinkThreads {

    /** How long a TAP read waits before it looks at the stop flag again: the bound on shutdown latency. */
    public static final int TAP_POLL_MILLIS = 250;

    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);

    private final StopSignal stopSignal;
    private final Thread tapToSwitch;
    private final Thread switchToTap;
    private final ScheduledExecutorService monitor = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "vport-monitor");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean running = true;

    /**
     * @param tap                the TAP the TAP-to-switch thread reads
     * @param tapReaders         the TAP's reading side, shared with the switch-to-TAP thread's answers
     * @param newTapReader       the TAP-to-switch thread's own buffers, made on that thread
     * @param forwardSwitchToTap the switch-to-TAP loop, which ends when the link is closed
     * @param stopSignal         told when a thread fails
     */
    public LinkThreads(FrameDevice tap, TapReaders tapReaders, Supplier<TapReaders.Reader> newTapReader,
            Runnable forwardSwitchToTap, StopSignal stopSignal) {
        this.stopSignal = stopSignal;
        this.tapToSwitch = new Thread(guarded(() -> forwardTapToSwitch(tap, tapReaders, newTapReader.get())), "vport-tap-to-switch");
        this.switchToTap = new Thread(guarded(forwardSwitchToTap), "vport-switch-to-tap");
        tapToSwitch.setDaemon(true);
        switchToTap.setDaemon(true);
    }

    /** Starts both forwarders; the caller then schedules its monitoring on {@link #monitor()}, each task {@link #guarded}. */
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

    /**
     * {@code task} made safe for the vport's threads: a failure stops the vport with the reason instead of ending the
     * thread silently (or, on the scheduler, cancelling the task's later runs).
     */
    public Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                stopOnFailure(e);
            }
        };
    }

    public void close(SwitchConnection link) throws InterruptedException {
        running = false;
        monitor.shutdownNow();
        link.close();
        tapToSwitch.join(JOIN_TIMEOUT.toMillis());
        switchToTap.join(JOIN_TIMEOUT.toMillis());
        monitor.awaitTermination(JOIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Forwards what waits on the TAP, then waits a bounded time for more, until closing begins. */
    private void forwardTapToSwitch(FrameDevice tap, TapReaders tapReaders, TapReaders.Reader reader) {
        while (running) {
            tapReaders.forwardWaiting(reader);
            tap.awaitFrame(TAP_POLL_MILLIS);
        }
    }

    /** A forwarding or monitor thread failed: stops the vport, unless it is closing anyway. */
    private void stopOnFailure(RuntimeException e) {
        if (running) {
            stopSignal.fail(e instanceof VportException known ? known
                    : new VportException(ExitCode.RUNTIME_ERROR, Thread.currentThread().getName() + " failed: " + e));
        }
    }
}
