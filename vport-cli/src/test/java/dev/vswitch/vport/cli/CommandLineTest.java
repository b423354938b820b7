package dev.vswitch.vport.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vswitch.protocol.Mtu;
import dev.vswitch.protocol.keys.JoinToken;
import dev.vswitch.protocol.keys.KeyFiles;
import dev.vswitch.protocol.keys.Keys;
import dev.vswitch.protocol.noise.X25519;
import dev.vswitch.vport.ExitCode;
import dev.vswitch.vport.link.LinkCounters;
import dev.vswitch.vport.link.LinkState;
import dev.vswitch.vport.link.RttMeter;
import dev.vswitch.vport.status.StatusDirectory;
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
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The command line as a user meets it: help, and every failure that happens before a TAP device would be
 * created (so these run anywhere, without root).
 */
@QuarkusMainTest
class CommandLineTest {

    @Test
    @Launch({"--help"})
    void topLevelHelpListsCommandsAndEveryExitCode(LaunchResult result) {
        String help = result.getOutput();
        assertTrue(help.contains("Usage: vport"), help);
        assertTrue(help.contains("connect"), help);
        assertTrue(help.contains("transfer"), help);
        assertTrue(help.contains("Exit codes:"), help);
        for (ExitCode exit : ExitCode.values()) {
            assertTrue(help.lines().anyMatch(line -> line.strip().startsWith(exit.code() + " ")),
                    "exit code " + exit.code() + " is documented:\n" + help);
        }
    }

    @Test
    @Launch({"connect", "--help"})
    void connectHelpShowsDefaultsAndExitCodes(LaunchResult result) {
        String help = result.getOutput();
        assertTrue(help.contains("Default: tapyuan"), help);
        assertTrue(oneLine(help).contains("Default: " + Mtu.DEFAULT_TAP_MTU + " in the secure protocol, " + Mtu.LEGACY_TAP_MTU + " with --legacy"), help);
        assertTrue(help.contains("Default: 5"), help);
        assertTrue(help.contains("Default: 15"), help);
        assertTrue(help.contains("setcap cap_net_admin+ep"), help);
        assertTrue(help.contains("modprobe tun"), help);
    }

    @Test
    @Launch({"connect", "--help"})
    void connectHelpListsTheSecureOptionsAndItsExitCodes(LaunchResult result) {
        String help = result.getOutput();
        for (String option : List.of("--token=TOKEN", "--token-file=FILE", "--key-file=FILE", "--legacy")) {
            assertTrue(help.contains(option), option + " is listed:\n" + help);
        }
        assertTrue(help.contains("/var/lib/vport/private.key"), help);
        for (ExitCode exit : ExitCode.forConnect()) {
            assertTrue(help.lines().anyMatch(line -> line.strip().startsWith(exit.code() + " ")), "exit code " + exit.code() + ":\n" + help);
        }
        assertTrue(help.contains("join token or key file damaged"), help);
        assertFalse(help.lines().anyMatch(line -> line.strip().startsWith(ExitCode.KEY_EXISTS.code() + " ")), help);
    }

    @Test
    @Launch({"--help"})
    void topLevelHelpListsTheKeyCommands(LaunchResult result) {
        String help = result.getOutput();
        assertTrue(help.contains("keygen"), help);
        assertTrue(help.contains("pubkey"), help);
        assertTrue(help.contains("--legacy"), help);
    }

    @Test
    void keyCommandsShowTheirOwnExitCodes(QuarkusMainLauncher launcher) {
        for (String command : List.of("keygen", "pubkey")) {
            LaunchResult result = launcher.launch(command, "--help");
            assertEquals(0, result.exitCode());
            String help = result.getOutput();
            assertTrue(oneLine(help).contains("Default: /var/lib/vport/private.key as root"), help);
            assertTrue(help.lines().anyMatch(line -> line.strip().startsWith("9 ")), help);
            assertFalse(help.contains("CAP_NET_ADMIN"), help);
        }
        assertTrue(launcher.launch("keygen", "--help").getOutput().contains("--force"));
    }

    @Test
    void theHelpTextsMtuDefaultsAreTheProtocolModulesOnes() {
        assertEquals(Integer.toString(Mtu.DEFAULT_TAP_MTU), ConnectOptions.SECURE_MTU_TEXT);
        assertEquals(Integer.toString(Mtu.LEGACY_TAP_MTU), ConnectOptions.LEGACY_MTU_TEXT);
    }

    @Test
    void transferHelpShowsItsOwnExitCodes(QuarkusMainLauncher launcher) {
        for (String command : List.of("send", "receive")) {
            LaunchResult result = launcher.launch("transfer", command, "--help");
            assertEquals(0, result.exitCode());
            assertTrue(result.getOutput().contains("Default: 60"), result.getOutput());
            assertTrue(result.getOutput().contains("no peer connected within --timeout"), result.getOutput());
            assertFalse(result.getOutput().contains("CAP_NET_ADMIN"), result.getOutput());
        }
    }

    @Test
    @Launch(value = {"connect", "--no-such-flag", "127.0.0.1:9999"}, exitCode = 2)
    void anUnknownFlagIsAUsageErrorInOneLine(LaunchResult result) {
        assertOneErrorLine(result, "vport: error: Unknown option: '--no-such-flag' (see 'vport connect --help')");
    }

    @Test
    @Launch(value = {"connect"}, exitCode = 2)
    void aMissingSwitchIsAUsageError(LaunchResult result) {
        assertOneErrorLine(result, "vport: error: missing switch: use --token TOKEN or --token-file FILE for the secure protocol,"
                + " or --legacy HOST:PORT for the plain format of the seed's switch (see 'vport connect --help')");
    }

    @Test
    @Launch(value = {"connect", "127.0.0.1:9999"}, exitCode = 2)
    void anAddressWithoutAModeIsAUsageErrorExplainingTheChoice(LaunchResult result) {
        assertOneErrorLine(result, "vport: error: how to talk to 127.0.0.1:9999? use --token TOKEN or --token-file FILE for the secure"
                + " protocol, or --legacy HOST:PORT for the plain format of the seed's switch (see 'vport connect --help')");
    }

    @Test
    void contradictoryModesAreUsageErrors(QuarkusMainLauncher launcher) {
        String token = token("127.0.0.1:9999", null).encode();
        List<List<String>> contradictions = List.of(
                List.of("connect", "--legacy"),
                List.of("connect", "--legacy", "--token", token, "127.0.0.1:9999"),
                List.of("connect", "--token", token, "--token-file", "x.token"),
                List.of("connect", "--legacy", "--key-file", "x.key", "127.0.0.1:9999"));
        for (List<String> args : contradictions) {
            LaunchResult result = launcher.launch(args.toArray(String[]::new));
            assertEquals(2, result.exitCode(), args + ": " + result.getErrorOutput());
            assertOneErrorLine(result, null);
        }
    }

    @Test
    void offloadIsForEitherProtocol() {
        ConnectSettings legacy = parse("connect", "--legacy", "--offload", "127.0.0.1:9999");
        assertTrue(legacy.offload());
        assertNull(legacy.secure());
        assertEquals(List.of(new HostPort("127.0.0.1", 9999)), legacy.targets());
        assertEquals(Mtu.LEGACY_TAP_MTU, legacy.mtu());
        assertFalse(parse("connect", "--legacy", "127.0.0.1:9999").offload());

        String token = token("127.0.0.1:9999", null).encode();
        ConnectSettings secure = parse("connect", "--token", token, "--offload");
        assertTrue(secure.offload());
        assertNotNull(secure.secure());
        assertFalse(parse("connect", "--token", token).offload());
    }

    @Test
    @Launch({"connect", "--help"})
    void connectHelpSaysOffloadWorksWithLegacyToo(LaunchResult result) {
        String help = oneLine(result.getOutput());
        assertTrue(help.contains("--offload"), help);
        assertTrue(help.contains("With --legacy, vport cuts them itself"), help);
    }

    @Test
    @Launch(value = {})
    void noArgumentsAtAllPrintTheHelp(LaunchResult result) {
        String help = result.getOutput();
        assertTrue(help.startsWith("Usage: vport"), help);
        assertTrue(help.contains("connect") && help.contains("status") && help.contains("Exit codes:"), help);
        assertEquals("", result.getErrorOutput().strip());
    }

    @Test
    @Launch(value = {"--tap", "vsw0"}, exitCode = 2)
    void theSeedsFormWithOptionsButNoAddressIsAUsageError(LaunchResult result) {
        assertOneErrorLine(result, null);
        assertTrue(result.getErrorOutput().contains("vport connect --token-file FILE"), result.getErrorOutput());
    }


    @Test
    void aDamagedTokenIsExit9InOneLineThatNeverShowsTheToken(QuarkusMainLauncher launcher, @TempDir Path dir) throws Exception {
        String good = token("127.0.0.1:9999", null).encode();
        String damaged = good.substring(0, 20) + (good.charAt(20) == 'A' ? 'B' : 'A') + good.substring(21);
        LaunchResult result = launcher.launch("connect", "--token", damaged);
        assertEquals(9, result.exitCode(), result.getErrorOutput());
        assertOneErrorLine(result, "vport: error: join token is damaged (checksum mismatch): was it copied whole?");

        Path file = Files.writeString(dir.resolve("lab.token"), "\n  " + good.substring(0, good.length() - 5) + "  \n");
        result = launcher.launch("connect", "--token-file", file.toString());
        assertEquals(9, result.exitCode(), result.getErrorOutput());
        assertOneErrorLine(result, null);
        assertTrue(result.getErrorOutput().contains("join token is damaged") && result.getErrorOutput().contains(file.toString()),
                result.getErrorOutput());
        assertFalse(result.getErrorOutput().contains(good.substring(5, 30)), "no part of the token is shown");

        result = launcher.launch("connect", "--token", "hello");
        assertEquals(9, result.exitCode());
        assertOneErrorLine(result, "vport: error: not a vswitch join token (they start with vsw1.)");

        result = launcher.launch("connect", "--token-file", dir.resolve("missing.token").toString());
        assertEquals(9, result.exitCode());
        assertOneErrorLine(result, "vport: error: token file " + dir.resolve("missing.token") + " does not exist");
    }

    @Test
    void aTokenWithoutAUsableAddressAsksForHostPortWhichOverridesIt(QuarkusMainLauncher launcher, @TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("lab.token"), token("switch-without-port", new byte[32]).encode() + "\n");
        LaunchResult result = launcher.launch("connect", "--token-file", file.toString());
        assertEquals(9, result.exitCode(), result.getErrorOutput());
        assertOneErrorLine(result, null);
        assertTrue(result.getErrorOutput().contains("the join token names no usable switch address")
                && result.getErrorOutput().strip().endsWith("give HOST:PORT after the token"), result.getErrorOutput());

        result = launcher.launch("connect", "--token-file", file.toString(), "127.0.0.1:0");
        assertEquals(6, result.exitCode(), "HOST:PORT is used instead of the token's address: " + result.getErrorOutput());
        assertOneErrorLine(result, "vport: error: port out of range (want 1-65535): 0");
    }

    @Test
    void keygenWritesAPrivateKeyOnlyOnceAndPrintsItsPublicKey(QuarkusMainLauncher launcher, @TempDir Path dir) throws Exception {
        Path file = dir.resolve("new/private.key");
        LaunchResult made = launcher.launch("keygen", "--out", file.toString());
        assertEquals(0, made.exitCode(), made.getErrorOutput());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        byte[] key = KeyFiles.read(file, "key");
        assertEquals(Keys.encode(X25519.publicKey(key)), made.getOutput().strip());

        LaunchResult refused = launcher.launch("keygen", "--out", file.toString());
        assertEquals(10, refused.exitCode());
        assertOneErrorLine(refused, null);
        assertTrue(refused.getErrorOutput().contains("exists already"), refused.getErrorOutput());
        assertArrayEquals(key, KeyFiles.read(file, "key"), "the existing key is untouched");

        LaunchResult forced = launcher.launch("keygen", "--out", file.toString(), "--force");
        assertEquals(0, forced.exitCode(), forced.getErrorOutput());
        assertFalse(Arrays.equals(key, KeyFiles.read(file, "key")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void pubkeyPrintsThePublicKeyOfAKeyFile(QuarkusMainLauncher launcher, @TempDir Path dir) throws Exception {
        byte[] key = X25519.generatePrivateKey(new SecureRandom());
        Path file = dir.resolve("private.key");
        KeyFiles.write(file, key);
        LaunchResult result = launcher.launch("pubkey", "--key-file", file.toString());
        assertEquals(0, result.exitCode(), result.getErrorOutput());
        assertEquals(Keys.encode(X25519.publicKey(key)), result.getOutput().strip());

        Files.writeString(file, "not a key!");
        result = launcher.launch("pubkey", "--key-file", file.toString());
        assertEquals(9, result.exitCode());
        assertOneErrorLine(result, "vport: error: client key in " + file + " is not base64");
    }

    @Test
    @Launch(value = {"connect", "--ip", "198.19.0.300/24", "127.0.0.1:9999"}, exitCode = 6)
    void aBadCidrIsABadValue(LaunchResult result) {
        assertOneErrorLine(result, "vport: error: Invalid value for option '--ip': IPv4 address part above 255: '198.19.0.300/24'"
                + " (see 'vport connect --help')");
    }

    @Test
    void everyMalformedValueIsExit6(QuarkusMainLauncher launcher) {
        List<List<String>> badValues = List.of(
                List.of("connect", "--mac", "ff:ff:ff:ff:ff:ff", "127.0.0.1:9999"),
                List.of("connect", "--mtu", "70000", "127.0.0.1:9999"),
                List.of("connect", "--tap", "much-too-long-name", "127.0.0.1:9999"),
                List.of("connect", "--keepalive", "0", "127.0.0.1:9999"),
                List.of("connect", "--legacy", "127.0.0.1:0"),
                List.of("connect", "--legacy", "::1:9999"),
                List.of("connect", "--token", token("127.0.0.1:9999", null).encode(), "127.0.0.1:0"),
                List.of("127.0.0.1", "port"),
                List.of("transfer", "send", "127.0.0.1", "70000", "file"));
        for (List<String> args : badValues) {
            LaunchResult result = launcher.launch(args.toArray(String[]::new));
            assertEquals(6, result.exitCode(), args + ": " + result.getErrorOutput());
            assertOneErrorLine(result, null);
        }
    }

    @Test
    @Launch(value = {"connect", "--legacy", "no-such-switch.invalid:9999"}, exitCode = 7)
    void anUnresolvableSwitchIsExit7BeforeAnyTapIsCreated(LaunchResult result) {
        assertOneErrorLine(result, "vport: error: cannot resolve host 'no-such-switch.invalid': check the name, or give an IP address");
    }

    @Test
    @Launch(value = {"no-such-switch.invalid", "9999"}, exitCode = 7)
    void theSeedsHostPortFormResolvesTheSameWay(LaunchResult result) {
        assertOneErrorLine(result, "vport: error: cannot resolve host 'no-such-switch.invalid': check the name, or give an IP address");
    }

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
        assertEquals(status.toJson().strip(), json.getOutput().strip(), "the file as it is");
        assertTrue(VportStatus.fromJson(json.getOutput()).connected());

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
        assertFalse(VportStatus.fromJson(json.getOutput()).connected());
    }

    @Test
    void aStatusFileThatIsNoLongerUpdatedIsNotConnected(QuarkusMainLauncher launcher, @TempDir Path dir) throws Exception {
        VportStatus fresh = status("vswa", true, ProcessHandle.current().pid(), Instant.now());
        Instant longAgo = Instant.now().minus(StatusCommand.STALE_AFTER).minusSeconds(5);
        VportStatus stale = new VportStatus(fresh.tap(), fresh.mode(), fresh.switchTarget(), fresh.switchAddress(), fresh.network(),
                true, fresh.state(), fresh.sessionAgeSeconds(), fresh.lastHandshake(), fresh.secondsSinceHeard(), fresh.rttMillis(),
                fresh.rttSmoothedMillis(), fresh.toSwitch(), fresh.fromSwitch(), fresh.keepalivesSent(), fresh.keepalivesAnswered(),
                fresh.drops(), fresh.pid(), fresh.startedAt(), longAgo);
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
    void severalVportsAreListedAndOneMustBePicked(QuarkusMainLauncher launcher, @TempDir Path dir) throws Exception {
        long pid = ProcessHandle.current().pid();
        writeStatus(dir, "vswa", true, pid, Instant.now());
        writeStatus(dir, "vswb", false, pid, Instant.now());
        writeStatus(dir, "vswc", true, pid, Instant.parse("2000-01-01T00:00:00Z")); // left behind: its pid is another process now
        LaunchResult result = launcher.launch("status", "--status-dir", dir.toString());
        assertEquals(2, result.exitCode(), result.getErrorOutput());
        List<String> listed = result.getOutput().lines().toList();
        assertEquals(2, listed.size(), result.getOutput());
        assertTrue(listed.get(0).startsWith("vswa: connected") && listed.get(1).startsWith("vswb: not connected"), result.getOutput());
        assertOneErrorLine(result, "vport: error: several vports are running (vswa, vswb): pick one with --tap NAME"
                + " (see 'vport status --help')");

        LaunchResult picked = launcher.launch("status", "--status-dir", dir.toString(), "--tap", "vswb");
        assertEquals(11, picked.exitCode());
        assertTrue(picked.getOutput().startsWith("vswb: not connected"), picked.getOutput());

        Files.delete(dir.resolve("vswb.json"));
        LaunchResult oneLeftRunning = launcher.launch("status", "--status-dir", dir.toString());
        assertEquals(0, oneLeftRunning.exitCode(), "the file of a vport that ended does not count: " + oneLeftRunning.getErrorOutput());
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

    @Test
    @Launch({"connect", "--help"})
    void connectHelpExplainsSeveralSwitchesAndFailover(LaunchResult result) {
        String help = oneLine(result.getOutput());
        assertTrue(help.contains("[HOST:PORT...]"), help);
        assertTrue(help.contains("Failover (secure protocol)"), help);
        assertTrue(help.contains("HOST:PORT,HOST:PORT"), help);
        assertTrue(help.contains("A host name with several addresses counts as one switch per address"), help);
    }

    @Test
    void severalSwitchesAreForTheSecureProtocolAndEachMustBeAnAddressThatResolves(QuarkusMainLauncher launcher) {
        LaunchResult legacy = launcher.launch("connect", "--legacy", "127.0.0.1:9999", "127.0.0.1:10000");
        assertEquals(2, legacy.exitCode(), legacy.getErrorOutput());
        assertOneErrorLine(legacy, "vport: error: --legacy takes one switch; failing over between several is for the secure"
                + " protocol (a token) (see 'vport connect --help')");

        String token = token("127.0.0.1:9999", null).encode();
        LaunchResult empty = launcher.launch("connect", "--token", token, "127.0.0.1:9999,", "127.0.0.1:10000");
        assertEquals(6, empty.exitCode(), empty.getErrorOutput());
        assertOneErrorLine(empty, "vport: error: empty entry in the switch list '127.0.0.1:9999,' (HOST:PORT,HOST:PORT)");

        LaunchResult unresolved = launcher.launch("connect", "--token", token, "sw1.invalid:9999,sw2.invalid:9999", "sw3.invalid:9999");
        assertEquals(7, unresolved.exitCode(), unresolved.getErrorOutput());
        assertOneErrorLine(unresolved, "vport: error: cannot resolve host 'sw1.invalid': check the name, or give an IP address");
    }

    @Test
    void aTokenMayNameSeveralReplicas(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("connect", "--token", token("sw1.invalid:9999,sw2.invalid:9999", null).encode());
        assertEquals(7, result.exitCode(), "both names are tried: " + result.getErrorOutput());
        assertOneErrorLine(result, "vport: error: cannot resolve host 'sw1.invalid': check the name, or give an IP address");
    }

    private static VportStatus writeStatus(Path dir, String tap, boolean connected, long pid, Instant startedAt) throws Exception {
        VportStatus status = status(tap, connected, pid, startedAt);
        new StatusDirectory(dir).write(status);
        return status;
    }

    private static VportStatus status(String tap, boolean connected, long pid, Instant startedAt) throws Exception {
        LinkCounters counters = new LinkCounters();
        for (int i = 0; i < 3400; i++) {
            counters.deliveredFromSwitch(370);
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

    /** Help text with its line wrapping undone. */
    private static String oneLine(String help) {
        return help.replaceAll("\\s+", " ");
    }

    /** The settings {@code connect} would run with, parsed as picocli does, without running it. */
    private static ConnectSettings parse(String... args) {
        CommandLine commandLine = new CommandLine(new VportCommand());
        CommandLine.ParseResult parsed = commandLine.parseArgs(args);
        return ((ConnectCommand) parsed.subcommand().commandSpec().userObject()).settings();
    }

    private static JoinToken token(String endpoint, byte[] clientKey) {
        SecureRandom random = new SecureRandom();
        return new JoinToken(endpoint, X25519.publicKey(X25519.generatePrivateKey(random)), "lab", X25519.generatePrivateKey(random), clientKey);
    }

    /** Exactly one line on stderr, with the prefix (and {@code expected} if given), and no stack trace anywhere. */
    private static void assertOneErrorLine(LaunchResult result, String expected) {
        List<String> errors = result.getErrorStream().stream().filter(line -> !line.isBlank()).toList();
        assertEquals(1, errors.size(), "one error line, got: " + errors);
        assertTrue(errors.get(0).startsWith("vport: error: "), errors.get(0));
        if (expected != null) {
            assertEquals(expected, errors.get(0));
        }
        String everything = result.getOutput() + "\n" + result.getErrorOutput();
        assertFalse(everything.contains("\tat ") || everything.contains("Exception"), "no stack trace: " + everything);
    }
}
