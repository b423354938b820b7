package dev.vswitch.vport.cli;

import static dev.vswitch.vport.cli.CommandLines.assertOneErrorLine;
import static dev.vswitch.vport.cli.CommandLines.oneLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vswitch.vport.ExitCode;
import dev.vswitch.vport.link.LinkCounters;
import dev.vswitch.vport.link.LinkState;
import dev.vswitch.vport.link.RttMeter;
import dev.vswitch.vport.status.StatusDirectory;
import dev.vswitch.vport.status.StatusJson;
import dev.vswitch.vport.status.VportStatus;
import dev.vswitch.vport.values.HostPort;
import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vport status} on status files the tests write: one vport, several, none, and files left behind or damaged. */
@QuarkusMainTest
class StatusCommandTest {

    @Test
    @Launch({"status", "--help"})
    void statusHelpDocumentsTheFileItsFieldsAndItsExitCodes(LaunchResult result) {
        String help = oneLine(result.getOutput());
        for (String text : List.of("--tap=NAME", "--status-dir=DIR", "Default: /run/vport", "--json", "DIR/<tap>.json",
                "connected to 198.18.1.1:9999 (network lab)", "mode 0644", "session_age_seconds", "rtt_ms", "rtt_smoothed_ms",
                "last_handshake", "from_switch", "seconds_since_heard", "pid, started_at")) {
            assertTrue(help.contains(text), text + " is documented:\n" + result.getOutput());
        }
        for (ExitCode exit : ExitCode.forStatus()) {
            assertTrue(result.getOutput().lines().anyMatch(line -> line.strip().startsWith(exit.code() + " ")),
                    "exit code " + exit.code() + ":\n" + result.getOutput());
        }
        assertTrue(help.contains("11 status: the vport runs but is not connected"), help);
        assertTrue(help.contains("12 status: no vport runs for the TAP"), help);
        assertFalse(result.getOutput().lines().anyMatch(line -> line.strip().startsWith("3 ")), "no TAP is opened");
    }

    @Test
    void connectHelpDocumentsTheStatusDirectory(QuarkusMainLauncher launcher) {
        String help = oneLine(launcher.launch("connect", "--help").getOutput());
        assertTrue(help.contains("--status-dir=DIR") && help.contains("DIR/<tap>.json, rewritten every second")
                && help.contains("Default: /run/vport"), help);
    }

    @Test
    void statusOfAConnectedVportIsOneLineAndExit0(QuarkusMainLauncher launcher, @TempDir Path dir) throws Exception {
        VportStatus status = writeStatus(dir, "vswa", true, ProcessHandle.current().pid(), Instant.now());
        LaunchResult result = launcher.launch("status", "--tap", "vswa", "--status-dir", dir.toString());
        assertEquals(0, result.exitCode(), result.getErrorOutput());
        assertEquals("vswa: connected to 198.18.1.1:9999 (network lab), session 42 s, rtt 0.41 ms (avg 0.45 ms),"
                + " in 1.2 MiB / 3400 frames, out 1.4 KiB / 1 frame", result.getOutput().strip());
        assertEquals("", result.getErrorOutput().strip());

        LaunchResult json = launcher.launch("status", "--tap", "vswa", "--status-dir", dir.toString(), "--json");
        assertEquals(0, json.exitCode(), json.getErrorOutput());
        assertEquals(StatusJson.write(status).strip(), json.getOutput().strip(), "the file as it is");
        assertTrue(StatusJson.read(json.getOutput()).connected());

        LaunchResult only = launcher.launch("status", "--status-dir", dir.toString());
        assertEquals(0, only.exitCode(), "the one status file is used without --tap: " + only.getErrorOutput());
        assertTrue(only.getOutput().startsWith("vswa: connected"), only.getOutput());
    }

    @Test
    void statusOfAVportThatIsNotConnectedIsExit11(QuarkusMainLauncher launcher, @TempDir Path dir) throws Exception {
        writeStatus(dir, "vswa", false, ProcessHandle.current().pid(), Instant.now());
        LaunchResult result = launcher.launch("status", "--tap", "vswa", "--status-dir", dir.toString());
        assertEquals(11, result.exitCode(), result.getErrorOutput());
        assertTrue(result.getOutput().startsWith("vswa: not connected to 198.18.1.1:9999 (network lab): silent, last heard 23 s ago,"),
                result.getOutput());
        LaunchResult json = launcher.launch("status", "--status-dir", dir.toString(), "--json");
        assertEquals(11, json.exitCode());
        assertFalse(StatusJson.read(json.getOutput()).connected());
    }

    @Test
    void aStatusFileThatIsNoLongerUpdatedIsNotConnected(QuarkusMainLauncher launcher, @TempDir Path dir) throws Exception {
        VportStatus fresh = status("vswa", true, ProcessHandle.current().pid(), Instant.now());
        Instant longAgo = Instant.now().minus(StatusCommand.STALE_AFTER).minusSeconds(5);
        VportStatus stale = new VportStatus(fresh.tap(), fresh.mode(), fresh.switchTarget(), fresh.switchAddress(), fresh.network(),
                true, fresh.state(), fresh.sessionAgeSeconds(), fresh.lastHandshake(), fresh.secondsSinceHeard(), fresh.rttMillis(),
                fresh.rttSmoothedMillis(), fresh.toSwitch(), fresh.fromSwitch(), fresh.keepalivesSent(), fresh.keepalivesAnswered(),
                fresh.offload(), fresh.peers(), fresh.drops(), fresh.pid(), fresh.startedAt(), longAgo);
        new StatusDirectory(dir).write(stale);
        LaunchResult result = launcher.launch("status", "--tap", "vswa", "--status-dir", dir.toString());
        assertEquals(11, result.exitCode(), result.getOutput() + result.getErrorOutput());
        assertTrue(result.getOutput().contains("; status not updated for 1"), result.getOutput());
    }

    @Test
    void statusWithoutAVportIsExit12InOneLine(QuarkusMainLauncher launcher, @TempDir Path dir) throws Exception {
        LaunchResult missing = launcher.launch("status", "--tap", "vswz", "--status-dir", dir.toString());
        assertEquals(12, missing.exitCode());
        assertOneErrorLine(missing, "vport: error: no vport running for tap vswz (no " + dir.resolve("vswz.json") + ")");
        assertEquals("", missing.getOutput().strip());

        LaunchResult none = launcher.launch("status", "--status-dir", dir.resolve("absent").toString());
        assertEquals(12, none.exitCode());
        assertOneErrorLine(none, "vport: error: no vport running (no status file in " + dir.resolve("absent") + ")");

        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        writeStatus(dir, "vswa", true, ended.pid(), Instant.now());
        LaunchResult left = launcher.launch("status", "--tap", "vswa", "--status-dir", dir.toString(), "--json");
        assertEquals(12, left.exitCode());
        assertOneErrorLine(left, "vport: error: no vport running for tap vswa (" + dir.resolve("vswa.json") + " is left from pid "
                + ended.pid() + ", which has ended)");
        assertEquals("", left.getOutput().strip(), "no JSON for a vport that is not there");
    }

    @Test
    void severalVportsAreAllListed(QuarkusMainLauncher launcher, @TempDir Path dir) throws Exception {
        long pid = ProcessHandle.current().pid();
        writeStatus(dir, "vswa", true, pid, Instant.now());
        writeStatus(dir, "vswb", true, pid, Instant.now());
        writeStatus(dir, "vswc", true, pid, Instant.parse("2000-01-01T00:00:00Z")); // left behind: its pid is another process now
        LaunchResult result = launcher.launch("status", "--status-dir", dir.toString());
        assertEquals(0, result.exitCode(), result.getErrorOutput());
        assertEquals("", result.getErrorOutput().strip());
        List<String> listed = result.getOutput().lines().toList();
        assertEquals(2, listed.size(), result.getOutput());
        assertTrue(listed.get(0).startsWith("vswa: connected") && listed.get(1).startsWith("vswb: connected"), result.getOutput());

        LaunchResult json = launcher.launch("status", "--status-dir", dir.toString(), "--json");
        assertEquals(0, json.exitCode(), json.getErrorOutput());
        assertEquals("[\n" + Files.readString(dir.resolve("vswa.json")).strip() + ",\n" + Files.readString(dir.resolve("vswb.json")).strip()
                + "\n]", json.getOutput().strip(), "an array of the files as they are");

        LaunchResult picked = launcher.launch("status", "--status-dir", dir.toString(), "--tap", "vswb", "--json");
        assertEquals(0, picked.exitCode());
        assertEquals(Files.readString(dir.resolve("vswb.json")).strip(), picked.getOutput().strip(), "one vport is one object");
    }

    @Test
    void aListWithAVportThatIsNotConnectedIsExit11(QuarkusMainLauncher launcher, @TempDir Path dir) throws Exception {
        long pid = ProcessHandle.current().pid();
        writeStatus(dir, "vswa", true, pid, Instant.now());
        writeStatus(dir, "vswb", false, pid, Instant.now());
        LaunchResult result = launcher.launch("status", "--status-dir", dir.toString());
        assertEquals(11, result.exitCode(), result.getErrorOutput());
        List<String> listed = result.getOutput().lines().toList();
        assertEquals(2, listed.size(), result.getOutput());
        assertTrue(listed.get(0).startsWith("vswa: connected") && listed.get(1).startsWith("vswb: not connected"), result.getOutput());

        Files.delete(dir.resolve("vswb.json"));
        LaunchResult oneLeft = launcher.launch("status", "--status-dir", dir.toString(), "--json");
        assertEquals(0, oneLeft.exitCode(), oneLeft.getErrorOutput());
        assertEquals(Files.readString(dir.resolve("vswa.json")).strip(), oneLeft.getOutput().strip(), "one vport: the object, as before");
    }

    @Test
    void allListsEvenOneVportAndItsJsonIsAlwaysAnArray(QuarkusMainLauncher launcher, @TempDir Path dir) throws Exception {
        LaunchResult none = launcher.launch("status", "--status-dir", dir.toString(), "--all", "--json");
        assertEquals(12, none.exitCode());
        assertEquals("[]", none.getOutput().strip());
        assertOneErrorLine(none, "vport: error: no vport running (no status file in " + dir + ")");

        writeStatus(dir, "vswa", true, ProcessHandle.current().pid(), Instant.now());
        LaunchResult one = launcher.launch("status", "--status-dir", dir.toString(), "--all", "--json");
        assertEquals(0, one.exitCode(), one.getErrorOutput());
        assertEquals("[\n" + Files.readString(dir.resolve("vswa.json")).strip() + "\n]", one.getOutput().strip());

        LaunchResult both = launcher.launch("status", "--status-dir", dir.toString(), "--all", "--tap", "vswa");
        assertEquals(2, both.exitCode());
        assertOneErrorLine(both, "vport: error: give --tap NAME for one vport or --all for every one, not both (see 'vport status --help')");
    }

    @Test
    void aDamagedStatusFileIsExit1AndABadTapNameExit6(QuarkusMainLauncher launcher, @TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("vswa.json"), "{\"tap\": \"vswa\", ");
        LaunchResult damaged = launcher.launch("status", "--tap", "vswa", "--status-dir", dir.toString());
        assertEquals(1, damaged.exitCode());
        assertOneErrorLine(damaged, null);
        assertTrue(damaged.getErrorOutput().contains("status file " + dir.resolve("vswa.json") + " is damaged: not valid JSON"),
                damaged.getErrorOutput());

        LaunchResult badName = launcher.launch("status", "--tap", "../etc/passwd", "--status-dir", dir.toString());
        assertEquals(6, badName.exitCode());
        assertOneErrorLine(badName, null);
    }

    static VportStatus writeStatus(Path dir, String tap, boolean connected, long pid, Instant startedAt) throws Exception {
        VportStatus status = status(tap, connected, pid, startedAt);
        new StatusDirectory(dir).write(status);
        return status;
    }

    static VportStatus status(String tap, boolean connected, long pid, Instant startedAt) throws Exception {
        LinkCounters counters = new LinkCounters();
        for (int i = 0; i < 3400; i++) {
            counters.tapWrite(true, 370);
        }
        counters.sentToSwitch(1400);
        RttMeter.Reading reading = new RttMeter.Reading(0.41, 0.45, 2);
        LinkState link = connected
                ? new LinkState(true, LinkState.Phase.CONNECTED, new InetSocketAddress(InetAddress.getByName("198.18.1.1"), 9999),
                        Duration.ofMillis(300), Duration.ofSeconds(42), Duration.ofSeconds(42), reading)
                : new LinkState(false, LinkState.Phase.SILENT, new InetSocketAddress(InetAddress.getByName("198.18.1.1"), 9999),
                        Duration.ofSeconds(23), null, Duration.ofSeconds(60), reading);
        VportStatus.Identity identity = new VportStatus.Identity(tap, VportStatus.Mode.SECURE, HostPort.parse("198.18.1.1:9999"), "lab",
                pid, startedAt);
        return VportStatus.of(identity, link, counters, Instant.now());
    }
}
