package dev.vswitch.vport.status;

import dev.vswitch.vport.link.LinkCounters;
import dev.vswitch.vport.link.LinkState;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Publishes a running vport's status to {@code DIR/<tap>.json} once a second from a thread of its own, and
 * removes the file when closed. Publishing is a convenience: a directory that cannot be written is reported
 * once as a warning and the vport goes on forwarding. A status file that belongs to another running vport
 * (the same TAP name in another network namespace) is left alone, and this vport publishes nothing.
 */
public final class StatusPublisher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(StatusPublisher.class);

    /** How often the file is replaced. */
    public static final Duration PERIOD = Duration.ofSeconds(1);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    private final StatusDirectory directory;
    private final String tap;
    private final long pid;
    private final Supplier<VportStatus> snapshot;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread started = new Thread(task, "vport-status");
        started.setDaemon(true);
        return started;
    });
    /** Written by the publishing thread, read after it has ended. */
    private volatile boolean published;
    private boolean failing;

    private StatusPublisher(StatusDirectory directory, String tap, long pid, Supplier<VportStatus> snapshot) {
        this.directory = directory;
        this.tap = tap;
        this.pid = pid;
        this.snapshot = snapshot;
    }

    /** Starts publishing the status of a running link, the first time right away. */
    public static StatusPublisher start(StatusDirectory directory, VportStatus.Identity identity, LinkState.Source link,
            LinkCounters counters) {
        return start(directory, identity.tap(), identity.pid(), () -> VportStatus.of(identity, link.linkState(), counters, Instant.now()));
    }

    /**
     * Starts publishing what {@code snapshot} returns, the first time right away.
     *
     * @param pid the pid the snapshots carry: the file is removed at the end only while it is this vport's
     */
    public static StatusPublisher start(StatusDirectory directory, String tap, long pid, Supplier<VportStatus> snapshot) {
        StatusPublisher publisher = new StatusPublisher(directory, tap, pid, snapshot);
        Optional<Long> other = publisher.otherRunningVport();
        if (other.isPresent()) {
            LOG.warnf("status file %s belongs to vport %d, which still runs (a TAP of the same name in another network"
                    + " namespace?): not publishing status; give this vport another --status-dir", directory.fileOf(tap), other.get());
            publisher.thread.shutdown();
            return publisher;
        }
        publisher.thread.scheduleAtFixedRate(publisher::publish, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        return publisher;
    }

    public Path file() {
        return directory.fileOf(tap);
    }

    /** Stops publishing and removes the file (if it is still this vport's). */
    @Override
    public void close() throws InterruptedException {
        thread.shutdown(); // not shutdownNow: an interrupt would abort a write half-way
        if (!thread.awaitTermination(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            thread.shutdownNow();
        }
        if (published) {
            try {
                directory.removeOwn(tap, pid);
            } catch (IOException e) {
                LOG.warnf("cannot remove status file %s: %s", file(), e.toString());
            }
        }
    }

    private Optional<Long> otherRunningVport() {
        try {
            return directory.read(tap).map(StatusDirectory.Entry::status)
                    .filter(status -> status.pid() != pid && StatusDirectory.isRunning(status))
                    .map(VportStatus::pid);
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty(); // unreadable or damaged: replacing it is the best we can do
        }
    }

    private void publish() {
        try {
            directory.write(snapshot.get());
            published = true;
            if (failing) {
                LOG.infof("status file %s written again", file());
                failing = false;
            }
        } catch (IOException | RuntimeException e) {
            if (!failing) {
                LOG.warnf("cannot write status file %s (%s): 'vport status' does not see this vport; --status-dir names another"
                        + " directory", file(), e.toString());
                failing = true;
            }
        }
    }
}
