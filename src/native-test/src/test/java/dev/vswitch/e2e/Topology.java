package dev.vswitch.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * The test network: namespace {@code sw} runs the switch on 0.0.0.0:9999; each host namespace {@code hN} is joined to
 * it by a veth pair (198.18.N.1 on the switch's side, 198.18.N.2 on the host's) and runs a vport whose TAP is
 * 198.19.0.N/24. No namespace has a route beyond its own links, so no test traffic can leave them. Closing the
 * topology stops every process it started (SIGTERM, then SIGKILL) and deletes every namespace, which removes the
 * veths and TAPs with it.
 */
final class Topology implements AutoCloseable {

    /** How long a program may take to say it is ready: a cold JVM start on a busy two-core machine. */
    static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final String SWITCH_READY = "vswitch listening on udp";

    private final Path logDir;
    private final Netns switchNs;
    private final List<Host> hosts = new ArrayList<>();
    private final Deque<Proc> procs = new ArrayDeque<>();
    private Proc switchProc;

    private Topology(Path logDir, Netns switchNs) {
        this.logDir = logDir;
        this.switchNs = switchNs;
    }

    /** Creates the namespaces and links of a switch and {@code hostCount} hosts, and checks every underlay link. */
    static Topology create(int hostCount, Path logDir) {
        Topology topology = new Topology(logDir, Netns.create("sw"));
        try {
            for (int index = 1; index <= hostCount; index++) {
                topology.addHost(index);
            }
            return topology;
        } catch (RuntimeException | Error e) {
            topology.close();
            throw e;
        }
    }

    private void addHost(int index) {
        Host host = new Host(index, Netns.create("h" + index));
        hosts.add(host);
        String switchSide = host.switchSideLink();
        switchNs.check("ip", "link", "add", switchSide, "type", "veth",
                "peer", "name", Host.UPLINK, "netns", host.ns().name());
        switchNs.check("ip", "address", "add", host.switchIp() + "/24", "dev", switchSide);
        switchNs.check("ip", "link", "set", switchSide, "up");
        host.ns().check("ip", "address", "add", host.underlayIp() + "/24", "dev", Host.UPLINK);
        host.ns().check("ip", "link", "set", Host.UPLINK, "up");
        host.ping(host.switchIp(), 1).orFail();
    }

    Host host(int index) {
        return hosts.get(index - 1);
    }

    List<Host> hosts() {
        return List.copyOf(hosts);
    }

    /** Starts the switch in {@code sw} and waits until it listens; a restart gets a log file of its own. */
    Proc startSwitch() {
        switchProc = start(switchNs, "switch", Artifacts.switchCommand(),
                Map.of("VSWITCH_PORT", String.valueOf(Host.SWITCH_PORT),
                        "VSWITCH_HOST", "0.0.0.0",
                        "QUARKUS_HTTP_PORT", "8080"));
        switchProc.awaitLine(READY_TIMEOUT, SWITCH_READY);
        return switchProc;
    }

    /** The switch most recently started. */
    Proc switchProc() {
        return switchProc;
    }

    /** Starts the vport of {@code host} and waits until its TAP is up. */
    Proc startVport(Host host) {
        Proc vport = startVportProgram(host, "vport", "connect", host.switchIp() + ":" + Host.SWITCH_PORT,
                "--tap", host.tap(), "--ip", host.overlayIp() + "/24");
        vport.awaitLine(READY_TIMEOUT, "vport:", " up");
        return vport;
    }

    /** Runs the vport program with {@code arguments} in {@code host}, logging to {@code <host>-<name>.log}. */
    Proc startVportProgram(Host host, String name, String... arguments) {
        List<String> command = new ArrayList<>(Artifacts.vportCommand());
        command.addAll(List.of(arguments));
        return start(host.ns(), host.ns().role() + "-" + name, command, Map.of());
    }

    void startVports() {
        hosts.forEach(this::startVport);
    }

    /** Starts {@code command} inside {@code ns}, logging to {@code <name>.log} in this test's log folder. */
    Proc start(Netns ns, String name, List<String> command, Map<String, String> env) {
        Proc proc = Proc.start(name, ns.inside(command), env, logDir, uniqueLog(name));
        procs.push(proc);
        return proc;
    }

    private Path uniqueLog(String name) {
        Path log = logDir.resolve(name + ".log");
        for (int n = 2; Files.exists(log); n++) {
            log = logDir.resolve(name + "-" + n + ".log");
        }
        return log;
    }

    /** Stops processes newest first, so vports go before the switch, then deletes the namespaces. */
    @Override
    public void close() {
        List<RuntimeException> failures = new ArrayList<>();
        while (!procs.isEmpty()) {
            procs.pop().stop();
        }
        for (Host host : hosts) {
            closeCollecting(host.ns(), failures);
        }
        closeCollecting(switchNs, failures);
        if (!failures.isEmpty()) {
            IllegalStateException failure = new IllegalStateException("could not tear the topology down");
            failures.forEach(failure::addSuppressed);
            throw failure;
        }
    }

    private static void closeCollecting(Netns ns, List<RuntimeException> failures) {
        try {
            ns.close();
        } catch (RuntimeException e) {
            failures.add(e);
        }
    }
}
