package dev.vswitch.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A network namespace that this JVM created, named {@code vsw-<pid>-<n>} so that parallel runs never collide and a
 * left-over one names the run that leaked it. Closing it kills every process still inside and deletes it, which also
 * removes its veth ends and TAP devices; a shutdown hook does the same for any namespace a crashed test left open.
 */
final class Netns implements AutoCloseable {

    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration KILL_WAIT = Duration.ofSeconds(5);
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final Set<Netns> OPEN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Netns::closeAllOpen, "delete-namespaces"));
    }

    private final String name;
    private final String role;

    private Netns(String name, String role) {
        this.name = name;
        this.role = role;
    }

    /** Creates a namespace with its loopback up; {@code role} ("sw", "h1") only makes messages readable. */
    static Netns create(String role) {
        Netns ns = new Netns("vsw-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet(), role);
        Command.run(COMMAND_TIMEOUT, List.of("ip", "netns", "add", ns.name)).orFail();
        OPEN.add(ns);
        ns.check("ip", "link", "set", "lo", "up");
        return ns;
    }

    String name() {
        return name;
    }

    String role() {
        return role;
    }

    /** {@code command} prefixed so that it runs inside this namespace. */
    List<String> inside(List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(command);
        return full;
    }

    Command.Result run(Duration timeout, String... command) {
        return Command.run(timeout, inside(List.of(command)));
    }

    /** Runs a command inside that must succeed, and returns its output. */
    String check(String... command) {
        return run(COMMAND_TIMEOUT, command).orFail().output();
    }

    /** For the shutdown hook: a test that crashed or was killed by a time-out leaves nothing behind. */
    private static void closeAllOpen() {
        for (Netns ns : OPEN) {
            try {
                ns.close();
            } catch (RuntimeException e) {
                System.err.println(e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        if (!OPEN.remove(this)) {
            return;
        }
        killProcessesInside();
        Command.Result deleted = Command.run(COMMAND_TIMEOUT, List.of("ip", "netns", "del", name));
        if (!deleted.succeeded()) {
            throw new IllegalStateException("could not delete namespace " + this + ": " + deleted);
        }
    }

    /** Processes the tests started are stopped gently before this; whatever is still inside goes now. */
    private void killProcessesInside() {
        String pids = Command.run(COMMAND_TIMEOUT, List.of("ip", "netns", "pids", name)).output();
        pids.lines()
                .map(String::strip)
                .filter(line -> line.matches("\\d+"))
                .map(Long::parseLong)
                .flatMap(pid -> ProcessHandle.of(pid).stream())
                .forEach(process -> {
                    process.destroyForcibly();
                    try {
                        process.onExit().get(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (Exception e) {
                        // Deleting the namespace still detaches its name; the process was sent SIGKILL.
                    }
                });
    }

    @Override
    public String toString() {
        return role + " (" + name + ")";
    }
}
