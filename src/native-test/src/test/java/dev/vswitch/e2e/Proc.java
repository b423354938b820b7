package dev.vswitch.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A long-running program under test (switch, vport, transfer). Its stdout and stderr go to one log file, which is
 * what we wait on: tests wait for the line a program prints when it is ready rather than for a fixed time.
 */
final class Proc {

    static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final String name;
    private final Process process;
    private final Path log;

    private Proc(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code command} in {@code workDir} with {@code env} added to ours, logging to {@code log}. */
    static Proc start(String name, List<String> command, Map<String, String> env, Path workDir, Path log) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().putAll(env);
        try {
            Files.writeString(log.resolveSibling(log.getFileName() + ".cmd"), String.join(" ", command) + "\n");
            return new Proc(name, builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name + ": " + command, e);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String log() {
        try {
            return new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first log line that contains every one of {@code fragments}, if any yet. */
    private Optional<String> findLine(String... fragments) {
        return log().lines().filter(line -> Arrays.stream(fragments).allMatch(line::contains)).findFirst();
    }

    /**
     * Waits until the log has a line containing all {@code fragments}; fails if the process dies or time runs out. A zero
     * timeout looks once: the line must be there already.
     */
    String awaitLine(Duration timeout, String... fragments) {
        String what = this + " to log a line containing " + Arrays.toString(fragments);
        if (timeout.isZero()) {
            return findLine(fragments).orElseThrow(() -> new AssertionError("no line yet: " + what));
        }
        return await(what).atMost(timeout).pollDelay(Duration.ZERO).until(() -> {
            boolean alive = process.isAlive();
            Optional<String> line = findLine(fragments);
            if (line.isEmpty() && !alive) {
                throw new AssertionError("waited for " + what + ", but it exited with " + process.exitValue());
            }
            return line;
        }, Optional::isPresent).get();
    }

    /** Waits for the process to end by itself and returns its exit code; fails after {@code timeout}. */
    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(this + " still running after " + timeout.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + this + " to exit", e);
        }
        return process.exitValue();
    }

    /** SIGKILL, as a crash would: no shutdown hook runs. */
    void kill() {
        process.destroyForcibly();
        awaitQuietly(STOP_GRACE);
    }

    /** SIGTERM, then SIGKILL if it has not exited after {@link #STOP_GRACE}. Returns whether it exited on SIGTERM. */
    boolean stop() {
        if (!process.isAlive()) {
            return true;
        }
        process.destroy();
        if (awaitQuietly(STOP_GRACE)) {
            return true;
        }
        kill();
        return false;
    }

    private boolean awaitQuietly(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ", log " + log + ")";
    }
}
