package dev.vswitch.e2e;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The test network: namespace {@code sw} runs the switch ({@link SwitchSetup}: secure port 9999, legacy port 9998 when
 * asked for; or several replicas of it, on ports 9999, 10000, ...); each host namespace {@code hN} is joined to it by a veth pair (198.18.N.1 on the switch's side,
 * 198.18.N.2 on the host's) and runs a vport ({@link Join}) whose TAP is 198.19.0.N/24; a host may sit behind a NAT
 * router instead ({@link #putBehindNat}). No namespace has a route beyond the topology's links, so no test traffic can
 * leave them. The switch's keys and tokens and each host's client key
 * live in a temporary folder of this topology. Closing the topology stops every process it started (SIGTERM, then
 * SIGKILL), deletes every namespace, which removes the veths and TAPs with it, and deletes the keys.
 */
final class Topology implements AutoCloseable {

    /** How long a program may take to say it is ready: a cold JVM start on a busy two-core machine. */
    static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final String SWITCH_READY = "vswitch listening on udp";
    private static final String LEGACY_READY = "legacy plaintext port";
    private static final String TOKEN_WRITTEN = "join token for network '";
    /** The vport's line for a TAP configured and up, e.g. {@code vport: tap1 (02:..) mtu 1406 up, ...}. */
    private static final String[] VPORT_UP = {"vport:", " up"};
    /** The vport's line for a handshake that succeeded, e.g. {@code connected to 198.18.1.1:9999 (network default)}. */
    private static final String VPORT_CONNECTED = "connected to ";
    /** A 32-byte key in standard base64, as vport keygen and pubkey print it. */
    private static final Pattern PUBLIC_KEY = Pattern.compile("(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{43}=");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path logDir;
    /** This topology's keys and tokens (root only, deleted on close): {@code switch/} and {@code clients/}. */
    private final Path secrets;
    private final Netns switchNs;
    private final Artifacts artifacts;
    private final List<Host> hosts = new ArrayList<>();
    private final Deque<Proc> procs = new ArrayDeque<>();
    /** The switch's process, or each replica's (replica r at index r - 1), as most recently started. */
    private final List<Proc> switchProcs = new ArrayList<>();
    private SwitchSetup switchSetup;

    private Topology(Path logDir, Path secrets, Netns switchNs, Artifacts artifacts) {
        this.logDir = logDir;
        this.secrets = secrets;
        this.switchNs = switchNs;
        this.artifacts = artifacts;
    }

    /**
     * Creates the namespaces and links of a switch and {@code hostCount} hosts, and checks every underlay link; its
     * programs are the build {@code artifacts} names.
     */
    static Topology create(int hostCount, Path logDir, Artifacts artifacts) {
        Path secrets = Secrets.createDirectory();
        Topology topology;
        try {
            topology = new Topology(logDir, secrets, Netns.create("sw"), artifacts);
        } catch (RuntimeException | Error e) {
            Secrets.delete(secrets);
            throw e;
        }
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

    /**
     * From now on the underlay drops every IP fragment (IPv4 with more-fragments or an offset, IPv6 with a fragment
     * header) on both ends of every host's veth, as many NATs, firewalls and cloud UDP load balancers do: an nftables
     * netdev ingress table in each namespace, which goes with it. Checked: a ping of 3000 bytes no longer crosses.
     */
    void dropIpFragments() {
        for (Host host : hosts) {
            dropIpFragments(switchNs, host.switchSideLink());
            dropIpFragments(host.ns(), Host.UPLINK);
        }
        Host first = hosts.get(0);
        first.ping(first.switchIp(), 1).orFail();
        if (first.ns().run(Netns.COMMAND_TIMEOUT, "ping", "-c", "1", "-W", "1", "-s", "3000", first.switchIp()).exitCode() == 0) {
            throw new AssertionError("the underlay still carries IP fragments: the nftables rule did not take");
        }
    }

    /**
     * From now on the path between the replicas (loopback in the switch's namespace) is as narrow as a pod network over
     * VXLAN, {@code mtu} bytes, and drops IP fragments: a trunk datagram larger than that no longer crosses. Checked: a
     * ping of 3000 bytes no longer crosses, one that fits still does.
     */
    void narrowReplicaPath(int mtu) {
        switchNs.check("ip", "link", "set", "lo", "mtu", Integer.toString(mtu));
        dropIpFragments(switchNs, "lo");
        switchNs.check("ping", "-c", "1", "-W", "1", "-s", Integer.toString(mtu - 28), "127.0.0.1");
        if (switchNs.run(Netns.COMMAND_TIMEOUT, "ping", "-c", "1", "-W", "1", "-s", "3000", "127.0.0.1").exitCode() == 0) {
            throw new AssertionError("loopback still carries IP fragments: the nftables rule did not take");
        }
    }

    private static void dropIpFragments(Netns ns, String device) {
        String table = "no_fragments_" + device.replace('-', '_');
        ns.check("nft", "add", "table", "netdev", table);
        ns.check("nft", "add chain netdev " + table + " ingress { type filter hook ingress device \"" + device
                + "\" priority 0 ; policy accept ; }");
        ns.check("nft", "add rule netdev " + table + " ingress ip frag-off & 0x3fff != 0 drop");
        ns.check("nft", "add rule netdev " + table + " ingress exthdr frag exists drop");
    }

    /** How a NAT router made by nftables maps a host's flows to its public address. */
    enum Nat {
        /** {@code masquerade}: the source port kept where it can be, one mapping for every destination. */
        ENDPOINT_INDEPENDENT("masquerade"),
        /** {@code masquerade random}: a random port for every flow, so every destination sees another: symmetric. */
        SYMMETRIC("masquerade random");

        private final String rule;

        Nat(String rule) {
            this.rule = rule;
        }
    }

    /**
     * Puts host {@code index} behind a NAT router: its namespace, which holds its underlay link, becomes the router
     * ({@code nat} postrouting with {@code kind}'s rule on the uplink, IPv4 forwarding on, unsolicited UDP to itself
     * dropped), and a new namespace on a private link behind it is the host, where its vport runs. Call it before starting anything on the host. Checked:
     * the host reaches the switch through the NAT.
     */
    Host putBehindNat(int index, Nat kind) {
        Netns router = hosts.get(index - 1).ns();
        router.check("sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        router.check("nft", "add", "table", "ip", "nat");
        router.check("nft", "add chain ip nat postrouting { type nat hook postrouting priority 100 ; policy accept ; }");
        router.check("nft", "add rule ip nat postrouting oifname \"" + Host.UPLINK + "\" " + kind.rule);
        // As a home router's firewall: a datagram nobody asked for, to the router's own public address, is dropped before
        // conntrack confirms its flow. Else that flow would hold the port, and the NAT would map the host's own flow to
        // the same peer (a punch answered a moment later) to another port.
        router.check("nft", "add", "table", "ip", "wall");
        router.check("nft", "add chain ip wall input { type filter hook input priority 0 ; policy accept ; }");
        router.check("nft", "add rule ip wall input iifname \"" + Host.UPLINK + "\" ct state new meta l4proto udp drop");
        return putBehind(index, router, index);
    }

    /**
     * Puts host {@code index} behind the NAT router host {@code routerIndex} is behind already, on a private link of its
     * own: two hosts in one office behind one NAT. The switch sees both at the router's public address; they reach each
     * other only at their private ones (the router does not loop a flow to its own public address back inside). Host
     * {@code index}'s own namespace is left without a vport.
     */
    Host putBehindNatOf(int index, int routerIndex) {
        Host front = hosts.get(routerIndex - 1);
        if (front.nat() == null) {
            throw new IllegalStateException("host " + routerIndex + " is behind no NAT");
        }
        return putBehind(index, front.nat(), routerIndex);
    }

    private Host putBehind(int index, Netns router, int uplink) {
        Host host = new Host(index, Netns.create("p" + index), router, uplink);
        hosts.set(index - 1, host);
        String lan = host.privatePrefix();
        router.check("ip", "link", "add", "to-p" + index, "type", "veth", "peer", "name", "to-nat", "netns", host.ns().name());
        router.check("ip", "address", "add", lan + ".1/24", "dev", "to-p" + index);
        router.check("ip", "link", "set", "to-p" + index, "up");
        host.ns().check("ip", "address", "add", lan + ".2/24", "dev", "to-nat");
        host.ns().check("ip", "link", "set", "to-nat", "up");
        host.ns().check("ip", "route", "add", "default", "via", lan + ".1");
        host.ping(host.switchIp(), 1).orFail();
        return host;
    }

    /**
     * Lets the hosts' underlay links reach each other through the switch's namespace, which routes between them as the
     * internet would, so that vports may find a direct path. Without it (every other test) nothing but the switch
     * connects the hosts. Checked: the first host reaches the last one's public address.
     */
    void routeBetweenHosts() {
        switchNs.check("sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        Set<String> routed = new HashSet<>();
        for (Host host : hosts) {
            Netns front = host.nat() == null ? host.ns() : host.nat();
            if (routed.add(front.name())) {
                front.check("ip", "route", "add", "198.18.0.0/16", "via", host.switchIp());
            }
        }
        Host first = hosts.get(0);
        first.ns().check("ping", "-c", "1", "-W", "2", hosts.get(hosts.size() - 1).underlayIp());
    }

    /**
     * Makes {@code host}'s uplink (its NAT router's, behind one) send at most {@code megabits} per second, a token bucket
     * as on a slow access line: a transfer then lasts long enough for something to happen while it runs.
     */
    void limitUplink(Host host, int megabits) {
        Netns front = host.nat() == null ? host.ns() : host.nat();
        front.check("tc", "qdisc", "add", "dev", Host.UPLINK, "root", "tbf", "rate", megabits + "mbit", "burst", "64kb",
                "latency", "100ms");
    }

    /**
     * Cuts the underlay between hosts {@code a} and {@code b} (as a firewall change on the way would): the switch's
     * namespace drops what it would forward between their public addresses, while both still reach the switch.
     */
    void cutBetween(Host a, Host b) {
        switchNs.check("nft", "add", "table", "inet", "cut");
        switchNs.check("nft", "add chain inet cut forward { type filter hook forward priority 0 ; policy accept ; }");
        switchNs.check("nft", "add rule inet cut forward ip saddr " + a.underlayIp() + " ip daddr " + b.underlayIp() + " drop");
        switchNs.check("nft", "add rule inet cut forward ip saddr " + b.underlayIp() + " ip daddr " + a.underlayIp() + " drop");
    }

    Host host(int index) {
        return hosts.get(index - 1);
    }

    List<Host> hosts() {
        return List.copyOf(hosts);
    }

    /** Starts the out-of-the-box switch: network {@code default}, secure port only. */
    Proc startSwitch() {
        return startSwitch(SwitchSetup.defaults());
    }

    /**
     * Starts the switch in {@code sw} as {@code setup} says, with this topology's key folder, and waits until it
     * listens, has written every network's join token and, with a legacy port, has opened that too. A restart gets a
     * log file of its own. With several replicas they start one after the other, all with the same key folder: the
     * first makes the keys that the others then read. Returns the (first) switch.
     */
    Proc startSwitch(SwitchSetup setup) {
        switchSetup = setup;
        switchProcs.clear();
        for (int replica = 1; replica <= setup.replicas(); replica++) {
            switchProcs.add(launchSwitch(replica));
        }
        return switchProcs.get(0);
    }

    private Proc launchSwitch(int replica) {
        String name = switchSetup.replicas() == 1 ? "switch" : "switch" + replica;
        Proc proc = start(switchNs, name, artifacts.switchCommand(switchSetup.properties(switchKeyDir(), replica)), Map.of());
        proc.awaitLine(READY_TIMEOUT, SWITCH_READY);
        // Logged once the token file is written, which comes after the line above.
        for (String network : switchSetup.networkNames()) {
            proc.awaitLine(READY_TIMEOUT, TOKEN_WRITTEN + network + "'");
        }
        if (switchSetup.legacyPort()) {
            proc.awaitLine(READY_TIMEOUT, LEGACY_READY);
        }
        return proc;
    }

    /** Starts the switch again as it was last started, with the same key folder, so with the same keys. */
    Proc restartSwitch() {
        return restartReplica(1);
    }

    /** Starts replica {@code replica} (1-based) again as it was last started, with the same keys and peers. */
    Proc restartReplica(int replica) {
        if (switchSetup == null) {
            throw new IllegalStateException("the switch was never started");
        }
        Proc proc = launchSwitch(replica);
        switchProcs.set(replica - 1, proc);
        return proc;
    }

    /** The switch most recently started (with replicas: the first). */
    Proc switchProc() {
        return replica(1);
    }

    /** Replica {@code replica} (1-based) as most recently started. */
    Proc replica(int replica) {
        return switchProcs.get(replica - 1);
    }

    /**
     * GET {@code path} of replica {@code replica}'s management API (1 for a plain switch), with the API token the
     * switch generated into its key folder; returns the body. Run with python3 inside the switch's namespace, which
     * reads the token itself, so that it appears in no command line. The switch makes that token at the first API
     * request it gets, so a first request without it may be needed.
     */
    String switchApi(int replica, String path) {
        String script = "import os, sys, urllib.error, urllib.request\n"
                + "opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))\n"
                + "if not os.path.exists(sys.argv[1]):\n"
                + "    try:\n"
                + "        opener.open(sys.argv[2], timeout=5)\n"
                + "    except urllib.error.HTTPError:\n"
                + "        pass\n"
                + "token = open(sys.argv[1]).read().strip()\n"
                + "request = urllib.request.Request(sys.argv[2], headers={'Authorization': 'Bearer ' + token})\n"
                + "print(opener.open(request, timeout=5).read().decode())\n";
        return switchNs.check("python3", "-c", script, switchKeyDir().resolve("api.token").toString(),
                "http://127.0.0.1:" + SwitchSetup.httpPort(replica) + path);
    }

    /** Where the switch keeps its key, its networks' keys and their join tokens (tokens/NAME.token). */
    Path switchKeyDir() {
        return secrets.resolve("switch");
    }

    /** The join token the switch wrote for {@code network}. */
    Path tokenFile(String network) {
        Path token = switchKeyDir().resolve("tokens").resolve(network + ".token");
        if (!Files.isRegularFile(token)) {
            throw new AssertionError("the switch wrote no join token " + token + " (start the switch first)");
        }
        return token;
    }

    /** Host {@code host}'s static key file, which its vport creates on first use unless a test made it before. */
    Path clientKey(Host host) {
        return secrets.resolve("clients").resolve(host.ns().role() + ".key");
    }

    /**
     * The public key of {@code host}'s static key: made now with {@code vport keygen --out} when the file does not
     * exist yet, else read with {@code vport pubkey}. Its vport then joins with that very key.
     */
    String clientPublicKey(Host host) {
        Path key = clientKey(host);
        List<String> command = new ArrayList<>(artifacts.vportCommand());
        command.addAll(Files.exists(key)
                ? List.of("pubkey", "--key-file", key.toString())
                : List.of("keygen", "--out", key.toString()));
        Command.Result result = Command.run(READY_TIMEOUT, command).orFail();
        Matcher match = PUBLIC_KEY.matcher(result.output());
        String publicKey = null;
        while (match.find()) {
            publicKey = match.group();
        }
        if (publicKey == null) {
            throw new AssertionError("no base64 public key in the output of " + result);
        }
        return publicKey;
    }

    /** Starts the vport of {@code host} on the only network of the switch and waits until it has a link. */
    Proc startVport(Host host) {
        return startVport(host, Join.network(switchSetup == null ? SwitchSetup.DEFAULT_NETWORK
                : switchSetup.soleNetwork()));
    }

    /**
     * Starts the vport of {@code host}, joining as {@code join} says, and waits until it has a link: its TAP is up and,
     * in the secure protocol, its handshake with the switch has succeeded.
     */
    Proc startVport(Host host, Join join) {
        Proc vport = startVportWithoutLink(host, join);
        if (!join.legacy()) {
            vport.awaitLine(READY_TIMEOUT, VPORT_CONNECTED);
        }
        return vport;
    }

    /**
     * Starts the vport of {@code host}, joining as {@code join} says, and waits only until its TAP is up: whether a
     * handshake succeeds is for the test to find out, as it is meant to fail.
     */
    Proc startVportWithoutLink(Host host, Join join) {
        List<String> arguments = new ArrayList<>(List.of("connect"));
        int port = join.legacy() ? SwitchSetup.LEGACY_PORT : SwitchSetup.PORT;
        List<String> endpoints = join.via() != null ? List.of(join.via())
                : join.replicas().isEmpty() ? List.of(host.switchIp() + ":" + port)
                : join.replicas().stream().map(replica -> host.switchIp() + ":" + SwitchSetup.port(replica)).toList();
        if (join.legacy()) {
            arguments.add("--legacy");
        } else {
            Path token = join.token() != null ? join.token() : tokenFile(join.network());
            arguments.addAll(List.of("--token-file", token.toString(), "--key-file", clientKey(host).toString()));
        }
        if (join.offload() != null) {
            arguments.add("--offload=" + join.offload());
        }
        arguments.addAll(endpoints);
        arguments.addAll(List.of("--tap", host.tap(), "--ip", host.overlayIp() + "/24", "--status-dir", statusDir().toString()));
        Proc vport = startVportProgram(host, "vport", arguments.toArray(String[]::new));
        vport.awaitLine(READY_TIMEOUT, VPORT_UP);
        return vport;
    }

    /**
     * Starts a vport inside the switch's own namespace that reaches the switch over {@code [::1]} (IPv6 loopback), with
     * TAP {@code tap} and address {@code cidr}, and waits until it is connected.
     */
    Proc startVportBesideSwitchOverIpv6(String tap, String cidr) {
        List<String> command = new ArrayList<>(artifacts.vportCommand());
        command.addAll(List.of("connect", "--token-file", tokenFile(switchSetup.soleNetwork()).toString(), "--key-file",
                secrets.resolve("clients").resolve("beside-switch.key").toString(), "[::1]:" + SwitchSetup.PORT,
                "--tap", tap, "--ip", cidr, "--status-dir", statusDir().toString()));
        Proc vport = start(switchNs, "switch-ns-vport", command, Map.of());
        vport.awaitLine(READY_TIMEOUT, VPORT_CONNECTED);
        return vport;
    }

    /**
     * Where this topology's vports publish their status: a folder of this test's own, so that a TAP of the same name in
     * another test run cannot take the status file.
     */
    Path statusDir() {
        return logDir.resolve("vport-status");
    }

    /**
     * The peer with {@code other}'s TAP MAC in {@code host}'s {@code vport status --json}, or a missing node when
     * {@code host}'s vport lists no such peer (yet).
     */
    JsonNode introducedPeer(Host host, Host other) {
        String status = vportStatus(host, "--json").output();
        String mac = other.tapMac();
        try {
            for (JsonNode peer : JSON.readTree(status).path("peers")) {
                if (mac.equalsIgnoreCase(peer.path("mac").asText())) {
                    return peer;
                }
            }
        } catch (JsonProcessingException e) {
            throw new AssertionError("vport status --json printed no JSON: " + status, e);
        }
        return JSON.missingNode();
    }

    /** {@code vport status --tap TAP} for {@code host}'s vport, as a user runs it (no namespace needed). */
    Command.Result vportStatus(Host host, String... options) {
        List<String> command = new ArrayList<>(artifacts.vportCommand());
        command.addAll(List.of("status", "--tap", host.tap(), "--status-dir", statusDir().toString()));
        command.addAll(List.of(options));
        return Command.run(READY_TIMEOUT, command);
    }

    /** Runs the vport program with {@code arguments} in {@code host}, logging to {@code <host>-<name>.log}. */
    Proc startVportProgram(Host host, String name, String... arguments) {
        List<String> command = new ArrayList<>(artifacts.vportCommand());
        command.addAll(List.of(arguments));
        return start(host.ns(), host.ns().role() + "-" + name, command, Map.of());
    }

    /** Starts a vport on every host, each on the only network of the switch. */
    void startVports() {
        hosts.forEach(this::startVport);
    }

    /** Starts a vport on every host with {@code join}. */
    void startVports(Join join) {
        hosts.forEach(host -> startVport(host, join));
    }

    /**
     * Runs {@code main}, one of this module's own helper programs, with this JVM's java and class path inside
     * {@code host}, logging to {@code <host>-<name>.log}.
     */
    Proc startHelper(Host host, String name, Class<?> main, String... arguments) {
        List<String> command = new ArrayList<>(List.of(Artifacts.java(), "-cp", System.getProperty("java.class.path"),
                main.getName()));
        command.addAll(List.of(arguments));
        return start(host.ns(), host.ns().role() + "-" + name, command, Map.of());
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

    /** Stops processes newest first, so vports go before the switch, deletes the namespaces, then the keys. */
    @Override
    public void close() {
        List<RuntimeException> failures = new ArrayList<>();
        while (!procs.isEmpty()) {
            procs.pop().stop();
        }
        for (Host host : hosts) {
            closeCollecting(host.ns(), failures);
            if (host.nat() != null) {
                closeCollecting(host.nat(), failures);
            }
        }
        closeCollecting(switchNs, failures);
        try {
            Secrets.delete(secrets);
        } catch (RuntimeException e) {
            failures.add(e);
        }
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
