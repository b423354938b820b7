package dev.vswitch.server.launch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged switch (target/quarkus-app/quarkus-run.jar, built before the *IT tests run) as a real process,
 * with stdout and stderr merged and read line by line, so a test can wait for a line or for the exit.
 */
final class SwitchProcess implements AutoCloseable {

    static final Duration START_TIMEOUT = Duration.ofSeconds(40);
    private static final Pattern HTTP_PORT = Pattern.compile("Listening on: http://[^:]+:(\\d+)");

    private final Process process;
    /** Every line so far; its monitor is notified at each new line and at the end of the output. */
    private final List<String> lines = new ArrayList<>();
    private boolean ended;
    private final Thread reader;

    private SwitchProcess(Process process) {
        this.process = process;
        this.reader = new Thread(this::readOutput, "switch-process-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** The command that runs the packaged switch: JVM options (settings), then the program's arguments. */
    static List<String> command(List<String> jvmOptions, List<String> arguments) {
        return command(packagedJar(), jvmOptions, arguments);
    }

    /** The packaged switch's quarkus-run.jar, in its quarkus-app folder. */
    static Path packagedJar() {
        String jar = System.getProperty("vswitch.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("the packaged switch is missing (" + jar + "): run the *IT tests with "
                    + "mvn verify, which packages it first");
        }
        return Path.of(jar);
    }

    /** The command that runs the switch packaged as {@code jar}. */
    static List<String> command(Path jar, List<String> jvmOptions, List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:TieredStopAtLevel=1");
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(arguments);
        return command;
    }

    /** Starts {@code command} in {@code workDir} with {@code environment} added to this JVM's. */
    static SwitchProcess start(List<String> command, Path workDir, Map<String, String> environment) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        return new SwitchProcess(builder.start());
    }

    /** Loopback only, ports picked by the kernel unless a test overrides them, the key folder given. */
    static List<String> loopbackOptions(Path keyDir) {
        return List.of("-Dvswitch.host=127.0.0.1", "-Dquarkus.http.host=127.0.0.1", "-Dvswitch.port=0",
                "-Dquarkus.http.port=0", "-Dvswitch.key-dir=" + keyDir);
    }

    /** Waits for the process to end by itself; fails the test when it is still running after {@code timeout}. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the switch still runs after " + timeout.toSeconds() + " s; output:\n" + output());
        }
        reader.join(timeout.toMillis());
        return process.exitValue();
    }

    /**
     * Waits for a line that matches, among all lines so far and those to come; fails with the output when the
     * process ends or time runs out first.
     */
    String awaitLine(Predicate<String> wanted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int next = 0;
        synchronized (lines) {
            while (true) {
                for (; next < lines.size(); next++) {
                    if (wanted.test(lines.get(next))) {
                        return lines.get(next);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || ended) {
                    throw new AssertionError("no such line within " + timeout.toSeconds() + " s"
                            + (process.isAlive() ? "" : " (exited " + process.exitValue() + ")") + "; output:\n" + output());
                }
                lines.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /** Waits for Quarkus's "started" line and returns the HTTP port it names. */
    int awaitStartedHttpPort() throws InterruptedException {
        String started = awaitLine(line -> line.contains(" started in "), START_TIMEOUT);
        Matcher port = HTTP_PORT.matcher(started);
        if (!port.find()) {
            throw new AssertionError("no HTTP port in: " + started);
        }
        return Integer.parseInt(port.group(1));
    }

    /**
     * SIGTERM, as Kubernetes or systemd stops the switch; returns at once. Through kill(1): Process.destroy sends the
     * same signal but also closes the pipes, and the output the switch writes while it drains would be lost.
     */
    void terminate() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-TERM", String.valueOf(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new AssertionError("kill -TERM " + process.pid() + " failed");
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String output() {
        return String.join("\n", lines());
    }

    List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    private void readOutput() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                add(line);
            }
        } catch (IOException e) {
            add("(output unreadable: " + e.getMessage() + ")");
        } finally {
            synchronized (lines) {
                ended = true;
                lines.notifyAll();
            }
        }
    }

    private void add(String line) {
        synchronized (lines) {
            lines.add(line);
            lines.notifyAll();
        }
    }
}
