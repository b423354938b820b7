package dev.vswitch.e2e;

import static org.awaitility.Awaitility.await;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.LinkOption;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The systemd units that the downloads ship in {@code share/systemd/} (from {@code src/dist/systemd/}). No systemd runs
 * here, so the test does what the unit tells systemd to do: it runs {@code vport@.service}'s {@code ExecStart} line, with
 * an instance's configuration file, as an unprivileged user ({@code nobody}) holding CAP_NET_ADMIN alone, ambient and
 * bounded as the unit grants it, through util-linux {@code setpriv} (the README's advice for running vport without root
 * by hand), and checks that the TAP comes up and joins the LAN; and that without the capability it fails in one line that
 * names it. The unit's paths ({@code /opt/vport}, {@code /etc/vport}, {@code /var/lib/vport}, {@code /run/vport}) are
 * mapped to the unpacked download and to folders of this test. {@code systemd-analyze verify} checks both units where it
 * is installed (Debian package systemd).
 */
class ServiceUnitTest {

    static final String REQUIRE_TOOLS = "VSWITCH_REQUIRE_TOOLS";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String INSTANCE = "lab";
    private static final String USER = "nobody";
    /** CAP_NET_ADMIN is capability 12: the bit of the capability masks in /proc/PID/status. */
    private static final long CAP_NET_ADMIN_MASK = 1L << 12;
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final Lab lab = new Lab();

    @TempDir
    Path root;

    @Test
    void theDownloadsShipUnitsThatSystemdAnalyzeAccepts() throws IOException {
        Distribution dist = Distribution.unpacked();
        Path vportUnits = dist.home(Artifacts.VPORT_MODULE).resolve("share/systemd");
        Path switchUnits = dist.home(Artifacts.SWITCH_MODULE).resolve("share/systemd");
        String vportUnit = Files.readString(vportUnits.resolve("vport@.service"));
        String switchUnit = Files.readString(switchUnits.resolve("vswitch.service"));
        assertTrue(Files.isRegularFile(vportUnits.resolve("vport.conf.example")));
        for (String line : List.of("User=vport", "AmbientCapabilities=CAP_NET_ADMIN", "CapabilityBoundingSet=CAP_NET_ADMIN",
                "StateDirectory=vport", "RuntimeDirectory=vport", "--config /etc/vport/%i.conf")) {
            assertTrue(vportUnit.contains(line), line + " in vport@.service:\n" + vportUnit);
        }
        for (String line : List.of("DynamicUser=yes", "StateDirectory=vswitch", "-Dvswitch.key-dir=/var/lib/vswitch")) {
            assertTrue(switchUnit.contains(line), line + " in vswitch.service:\n" + switchUnit);
        }
        assertFalse(execStart(vportUnit).contains("--token"), "no secret on the command line");

        List<String> missing = NetnsSupport.missingCommands(Map.of("systemd-analyze", "systemd"));
        if (!missing.isEmpty()) {
            NetnsSupport.skipOrFail(REQUIRE_TOOLS, "checking the units needs " + String.join(", ", missing));
        }
        // The ExecStart programs must exist for verify to pass: point them at the unpacked download.
        Path units = Files.createDirectories(root.resolve("units"));
        Files.writeString(units.resolve("vport@.service"), vportUnit.replace("/opt/vport/", dist.home(Artifacts.VPORT_MODULE) + "/"));
        Files.writeString(units.resolve("vswitch.service"),
                switchUnit.replace("/opt/vswitch/", dist.home(Artifacts.SWITCH_MODULE) + "/"));
        Command.Result verified = Command.run(TIMEOUT, List.of("systemd-analyze", "verify",
                units.resolve("vswitch.service").toString(), units.resolve("vport@" + INSTANCE + ".service").toString()));
        assertEquals(0, verified.exitCode(), verified.toString());
        assertFalse(verified.output().contains("vswitch.service") || verified.output().contains("vport@"), verified.toString());
    }

    @Test
    void theVportUnitsCommandRunsAsAnUnprivilegedUserWithOnlyCapNetAdmin() throws IOException {
        List<String> missing = NetnsSupport.missingCommands(Map.of("setpriv", "util-linux", "unshare", "util-linux",
                "mknod", "coreutils", "id", "coreutils"));
        if (!missing.isEmpty()) {
            NetnsSupport.skipOrFail(NetnsSupport.REQUIRE_VARIABLE, "running the unit's command needs " + String.join(", ", missing));
        }
        Topology net = lab.topology(2, Artifacts.distribution());
        Host h1 = net.host(1);
        Host h2 = net.host(2);
        net.startSwitch();
        net.startVport(h2);
        Distribution dist = Distribution.unpacked();
        UnitFolders folders = UnitFolders.create(root, dist);
        folders.writeInstance(INSTANCE, net.tokenFile("default"), h1);
        List<String> execStart = folders.map(execStart(
                Files.readString(dist.home(Artifacts.VPORT_MODULE).resolve("share/systemd/vport@.service"))));

        Command.Result refused = Command.run(TIMEOUT, h1.ns().inside(asUser(folders, List.of("--inh-caps=-all", "--bounding-set=-all"), execStart)));
        assertEquals(3, refused.exitCode(), refused.toString());
        List<String> errors = refused.output().lines().filter(line -> line.contains("error")).toList();
        assertEquals(1, errors.size(), refused.toString());
        assertTrue(errors.get(0).startsWith("vport: error: not permitted to create TAP device " + h1.tap() + " (needs CAP_NET_ADMIN)"),
                refused.toString());
        assertFalse(refused.output().contains("\tat ") || refused.output().contains("Exception"), refused.toString());

        Proc vport = net.start(h1.ns(), "h1-vport-unit", asUser(folders, List.of("--inh-caps=-all,+net_admin",
                "--ambient-caps=-all,+net_admin", "--bounding-set=-all,+net_admin"), execStart), Map.of());
        vport.awaitLine(Topology.READY_TIMEOUT, "vport:", " up");
        vport.awaitLine(Topology.READY_TIMEOUT, "connected to ");
        h1.ping(h2.overlayIp(), 3).orFail();
        h2.ping(h1.overlayIp(), 3).orFail();

        // The unit's state and runtime folders took the key and the status file, and the process is the user's.
        Path statusFile = folders.runtime().resolve(h1.tap() + ".json");
        await("the status file " + statusFile).atMost(TIMEOUT).until(() -> Files.isRegularFile(statusFile));
        JsonNode status = JSON.readTree(statusFile.toFile());
        assertEquals(folders.uid(), Files.getAttribute(statusFile, "unix:uid"));
        Path key = folders.state().resolve("private.key");
        assertEquals(folders.uid(), Files.getAttribute(key, "unix:uid"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        Map<String, String> process = procStatus(status.path("pid").asLong());
        assertTrue(process.get("Uid").matches(folders.uid() + "(\\s+" + folders.uid() + "){3}"), process.toString());
        for (String mask : List.of("CapEff", "CapPrm", "CapBnd", "CapAmb")) {
            assertEquals(CAP_NET_ADMIN_MASK, Long.parseUnsignedLong(process.get(mask), 16), mask + " is CAP_NET_ADMIN alone: " + process);
        }

        List<String> statusCommand = new ArrayList<>(dist.command(Artifacts.VPORT_MODULE));
        statusCommand.addAll(List.of("status", "--status-dir", folders.runtime().toString()));
        Command.Result listed = Command.run(TIMEOUT, statusCommand);
        assertEquals(0, listed.exitCode(), listed.toString());
        assertTrue(listed.output().startsWith(h1.tap() + ": connected to " + h1.switchIp() + ":9999 (network default)"), listed.toString());
    }

    /**
     * {@code setpriv} as user nobody with {@code capabilities}, then the command with an environment as bare as systemd's.
     * CAP_NET_ADMIN does not override file modes, and a machine without udev (a VM or container like CI's) may have
     * {@code /dev/net/tun} as mode 0600 instead of the 0666 that udev gives it on a systemd host; so the command gets a
     * {@code /dev/net} of its own, in a mount namespace of its own, with a tun node of mode 0666. Nothing outside changes.
     */
    private static List<String> asUser(UnitFolders folders, List<String> capabilities, List<String> command) {
        List<String> full = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "sh", "-c",
                "mount -t tmpfs -o mode=0755,size=64k tmpfs /dev/net && mknod -m 0666 /dev/net/tun c 10 200 && exec \"$@\"", "sh"));
        full.addAll(List.of("setpriv", "--reuid=" + USER, "--regid=" + UnitFolders.id("-g"), "--init-groups"));
        full.addAll(capabilities);
        full.addAll(List.of("/usr/bin/env", "-i", "PATH=" + folders.tools()));
        full.addAll(command);
        return full;
    }

    /** The words of the unit's {@code ExecStart=} line, instance {@link #INSTANCE}; the units use no quoting. */
    private static List<String> execStart(String unit) {
        String line = unit.lines().filter(text -> text.startsWith("ExecStart=")).findFirst()
                .orElseThrow(() -> new AssertionError("no ExecStart= in\n" + unit));
        String command = line.substring("ExecStart=".length()).replace("%i", INSTANCE);
        assertFalse(command.contains("\"") || command.contains("'") || command.contains("$"), "plain words only: " + command);
        return List.of(command.strip().split("\\s+"));
    }

    private static Map<String, String> procStatus(long pid) throws IOException {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            int colon = line.indexOf(':');
            fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
        }
        return fields;
    }

    /**
     * Where the unit's absolute paths lead in this test: {@code /opt/vport} to the unpacked download, the others to
     * folders under the test's temporary folder, made as systemd makes them (state and runtime folders owned by the
     * service's user; the token readable by the user's group only).
     */
    private record UnitFolders(Path root, Path vportHome, Path tools, int uid, int gid) {

        /**
         * The folders, with a copy of the unpacked download and its tools under {@code root}: the user must reach them,
         * and a clone under a private folder (root's home, a {@code mktemp -d}) keeps it out of the original.
         */
        static UnitFolders create(Path root, Distribution dist) throws IOException {
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path vportHome = copyTree(dist.home(Artifacts.VPORT_MODULE), root.resolve("opt/vport"));
            Path tools = copyTree(dist.tools(), root.resolve("opt/tools"));
            UnitFolders folders = new UnitFolders(root, vportHome, tools, Integer.parseInt(id("-u")),
                    Integer.parseInt(id("-g")));
            Files.createDirectories(folders.config());
            for (Path owned : List.of(folders.state(), folders.runtime())) {
                Files.createDirectories(owned);
                Files.setAttribute(owned, "unix:uid", folders.uid);
                Files.setAttribute(owned, "unix:gid", folders.gid);
            }
            Files.setPosixFilePermissions(folders.state(), PosixFilePermissions.fromString("rwx------"));
            return folders;
        }

        /** Copies the folder {@code from} to {@code to}, modes and symbolic links as they are; returns {@code to}. */
        private static Path copyTree(Path from, Path to) throws IOException {
            try (Stream<Path> paths = Files.walk(from)) {
                for (Path path : paths.toList()) {
                    Path target = to.resolve(from.relativize(path).toString());
                    if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                        Files.createDirectories(target);
                        Files.setPosixFilePermissions(target, Files.getPosixFilePermissions(path));
                    } else {
                        Files.copy(path, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                    }
                }
            }
            return to;
        }

        /** {@code id OPTION nobody}: the user's uid or primary gid. */
        static String id(String option) {
            return Command.run(Netns.COMMAND_TIMEOUT, List.of("id", option, USER)).orFail().output().strip();
        }

        Path config() {
            return root.resolve("etc/vport");
        }

        Path state() {
            return root.resolve("var/lib/vport");
        }

        Path runtime() {
            return root.resolve("run/vport");
        }

        /** /etc/vport/NAME.conf for {@code host}, as the example file shows it, and its token (mode 0640, the user's group). */
        void writeInstance(String name, Path token, Host host) throws IOException {
            Path tokenCopy = config().resolve(name + ".token");
            Files.copy(token, tokenCopy);
            Files.setAttribute(tokenCopy, "unix:gid", gid);
            Files.setPosixFilePermissions(tokenCopy, PosixFilePermissions.fromString("rw-r-----"));
            Files.writeString(config().resolve(name + ".conf"), String.join("\n",
                    "token-file=" + tokenCopy,
                    "switch=" + host.switchIp() + ":" + SwitchSetup.PORT,
                    "tap=" + host.tap(),
                    "ip=" + host.overlayIp() + "/24",
                    ""));
        }

        /** The command with each of the unit's paths replaced by this test's. */
        List<String> map(List<String> command) {
            Map<String, Path> paths = Map.of("/opt/vport", vportHome, "/etc/vport", config(), "/var/lib/vport", state(),
                    "/run/vport", runtime());
            return command.stream().map(word -> {
                for (Map.Entry<String, Path> path : paths.entrySet()) {
                    if (word.equals(path.getKey()) || word.startsWith(path.getKey() + "/")) {
                        return path.getValue() + word.substring(path.getKey().length());
                    }
                }
                return word;
            }).toList();
        }
    }
}
