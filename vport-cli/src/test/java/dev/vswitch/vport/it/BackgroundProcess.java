package dev.vswitch.vport.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A process that runs while the test works with it (a vport, the test hub). Its stdout and stderr go to
 * temporary files so the test can wait for a line without a reader thread; every wait is bounded.
 */
final class BackgroundProcess {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final String label;
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private BackgroundProcess(String label, Process process, Path stdout, Path stderr) {
        this.label = label;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    static BackgroundProcess start(String label, List<String> command) {
        try {
            Path stdout = Files.createTempFile("vsw-" + label + "-", ".out");
            Path stderr = Files.createTempFile("vsw-" + label + "-", ".err");
            Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
            return new BackgroundProcess(label, process, stdout, stderr);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + command, e);
        }
    }

    String stdout() {
        return read(stdout);
    }

    String stderr() {
        return read(stderr);
    }

    /** Waits until stdout or stderr contains {@code text}; fails with both outputs if it does not in time. */
    void awaitOutput(String text, Duration timeout) {
        awaitOutput("'" + text + "'", timeout, () -> stdout().contains(text) || stderr().contains(text));
    }

    /** Waits until stdout and stderr together contain {@code text} at least {@code times} times. */
    void awaitOutput(String text, int times, Duration timeout) {
        awaitOutput("'" + text + "' " + times + " times", timeout, () -> count(stdout() + stderr(), text) >= times);
    }

    /** Polls the output files; a process that ends without printing fails the wait at once, not at the timeout. */
    private void awaitOutput(String what, Duration timeout, BooleanSupplier printed) {
        try {
            Awaitility.await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50)).pollInSameThread()
                    .until(() -> {
                        boolean ended = !process.isAlive(); // before reading: what an ended process printed is all there is
                        if (printed.getAsBoolean()) {
                            return true;
                        }
                        if (ended) {
                            fail(label + " exited " + process.exitValue() + " before printing " + what + ":\n" + describe());
                        }
                        return false;
                    });
        } catch (ConditionTimeoutException e) {
            fail(label + " did not print " + what + " within " + timeout.toSeconds() + " s:\n" + describe());
        }
    }

    static int count(String haystack, String needle) {
        int count = 0;
        for (int at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + needle.length())) {
            count++;
        }
        return count;
    }

    /** Sends SIGTERM and returns the exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            kill();
            fail(label + " ignored SIGTERM for " + STOP_TIMEOUT.toSeconds() + " s:\n" + describe());
        }
        return process.exitValue();
    }

    /** Waits for the process to end by itself and returns its exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            kill();
            fail(label + " still running after " + timeout.toSeconds() + " s:\n" + describe());
        }
        return process.exitValue();
    }

    /** Cleanup: SIGTERM, then SIGKILL if it lingers; also removes the output files. */
    void kill() {
        try {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            try {
                Files.deleteIfExists(stdout);
                Files.deleteIfExists(stderr);
            } catch (IOException e) {
                // Temporary files; the OS cleans /tmp eventually.
            }
        }
    }

    String describe() {
        return "--- " + label + " stdout ---\n" + stdout() + "--- " + label + " stderr ---\n" + stderr();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
