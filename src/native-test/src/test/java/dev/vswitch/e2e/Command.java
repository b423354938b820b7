package dev.vswitch.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A short-lived command (ip, ping, sysctl, ss) run to completion within a time limit, its output captured. */
final class Command {

    private Command() {
    }

    /** What a finished command printed (stdout and stderr merged) and how it exited. */
    record Result(List<String> command, int exitCode, String output) {

        boolean succeeded() {
            return exitCode == 0;
        }

        /** This result, or an AssertionError that shows the command and everything it printed. */
        Result orFail() {
            if (!succeeded()) {
                throw new AssertionError(this.toString());
            }
            return this;
        }

        @Override
        public String toString() {
            return "`" + String.join(" ", command) + "` exited " + exitCode + ", output:\n" + output;
        }
    }

    /**
     * Runs {@code command}; a command still running after {@code timeout} is killed and reported as exit code -1.
     * Output goes through a file rather than a pipe so that no reader thread is needed and a stray grandchild
     * holding the pipe cannot make us wait forever.
     */
    static Result run(Duration timeout, List<String> command) {
        Path output = null;
        try {
            output = Files.createTempFile("vswitch-e2e-command", ".out");
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
            int exitCode;
            if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                exitCode = process.exitValue();
            } else {
                process.destroyForcibly().waitFor();
                exitCode = -1;
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            return new Result(command, exitCode, exitCode == -1 ? text + "\n(killed after " + timeout + ")" : text);
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command, e);
        } finally {
            deleteQuietly(output);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // A left-over temp file is harmless; the command's result matters more.
        }
    }
}
