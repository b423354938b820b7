package dev.vswitch.vport.it;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A network namespace that the test owns: created with loopback up, deleted on {@link #close} together
 * with everything in it (TAPs, veth ends), after the processes started in it have been stopped. Nothing a
 * test does in here can reach the host's networks.
 */
final class NetworkNamespace implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String name;
    private final List<BackgroundProcess> processes = new ArrayList<>();

    private NetworkNamespace(String name) {
        this.name = name;
    }

    static NetworkNamespace create() {
        byte[] id = new byte[4];
        RANDOM.nextBytes(id);
        NetworkNamespace namespace = new NetworkNamespace("vsw-tap-" + HexFormat.of().formatHex(id));
        Commands.check(List.of("ip", "netns", "add", namespace.name));
        try {
            namespace.ip("link", "set", "lo", "up");
        } catch (RuntimeException | AssertionError e) {
            namespace.close();
            throw e;
        }
        return namespace;
    }

    /**
     * Joins {@code this} (198.18.1.1/30) and {@code other} (198.18.1.2/30) with a veth pair: two machines on
     * one underlay, as a vport and a switch on the internet would be.
     */
    void linkTo(NetworkNamespace other) {
        ip("link", "add", "vsw-inet-a", "type", "veth", "peer", "name", "vsw-inet-b", "netns", other.name());
        ip("addr", "add", "198.18.1.1/30", "dev", "vsw-inet-a");
        ip("link", "set", "vsw-inet-a", "up");
        other.ip("addr", "add", "198.18.1.2/30", "dev", "vsw-inet-b");
        other.ip("link", "set", "vsw-inet-b", "up");
    }

    String name() {
        return name;
    }

    /** {@code ip -n NAME ARGS...}, which must succeed; returns its output. */
    String ip(String... args) {
        return Commands.check(withPrefix(List.of("ip", "-n", name), args));
    }

    /** Runs a command inside the namespace to completion. */
    Commands.Result exec(String... command) {
        return Commands.run(withPrefix(List.of("ip", "netns", "exec", name), command));
    }

    /** Starts a long-running command inside the namespace; it is stopped when the namespace closes. */
    BackgroundProcess start(String label, List<String> command) {
        BackgroundProcess process = BackgroundProcess.start(label, withPrefix(List.of("ip", "netns", "exec", name), command.toArray(String[]::new)));
        processes.add(process);
        return process;
    }

    @Override
    public void close() {
        processes.forEach(BackgroundProcess::kill);
        Commands.run(List.of("ip", "netns", "del", name));
    }

    private static List<String> withPrefix(List<String> prefix, String... args) {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(args));
        return command;
    }
}
