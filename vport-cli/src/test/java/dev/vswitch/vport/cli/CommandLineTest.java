package dev.vswitch.vport.cli;

import dev.vswitch.vport.link.PathProof;
import static dev.vswitch.vport.cli.CommandLines.assertOneErrorLine;
import static dev.vswitch.vport.cli.CommandLines.oneLine;
import static dev.vswitch.vport.cli.CommandLines.parse;
import static dev.vswitch.vport.cli.CommandLines.token;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vswitch.protocol.Mtu;
import dev.vswitch.protocol.wire.WireFormat;
import dev.vswitch.protocol.keys.KeyFiles;
import dev.vswitch.protocol.keys.Keys;
import dev.vswitch.protocol.noise.X25519;
import dev.vswitch.vport.ExitCode;
import dev.vswitch.vport.values.HostPort;
import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        assertTrue(oneLine(help).contains("Default: " + WireFormat.DEFAULT_TAP_MTU + " in the secure protocol, " + Mtu.LEGACY_TAP_MTU + " with --legacy"), help);
        assertTrue(help.contains("Default: 5"), help);
        assertTrue(help.contains("Default: 15"), help);
        assertTrue(help.contains("setpriv --ambient-caps=+net_admin"), help);
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
        assertEquals(Integer.toString(WireFormat.DEFAULT_TAP_MTU), ConnectOptions.SECURE_MTU_TEXT);
        assertEquals(Integer.toString(Mtu.LEGACY_TAP_MTU), ConnectOptions.LEGACY_MTU_TEXT);
    }

    @Test
    void transferHelpShowsItsOwnExitCodes(QuarkusMainLauncher launcher) {
        for (String command : List.of("send", "receive")) {
            LaunchResult result = launcher.launch("transfer", command, "--help");
            assertEquals(0, result.exitCode());
            assertTrue(result.getOutput().contains("Default: 60"), result.getOutput());
            assertTrue(result.getOutput().contains("no peer connected within --timeout"), result.getOutput());
            assertTrue(oneLine(result.getOutput()).contains("--progress=WHEN Show a progress line")
                    && result.getOutput().contains("auto, always, never"), result.getOutput());
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
        assertEquals(PathProof.Mode.ON, legacy.offload(), "--offload alone trusts the path, as it always did");
        assertNull(legacy.secure());
        assertEquals(List.of(new HostPort("127.0.0.1", 9999)), legacy.targets());
        assertEquals(Mtu.LEGACY_TAP_MTU, legacy.mtu());
        assertEquals(PathProof.Mode.AUTO, parse("connect", "--legacy", "127.0.0.1:9999").offload());
        assertEquals(PathProof.Mode.OFF, parse("connect", "--legacy", "--offload=off", "127.0.0.1:9999").offload());
        assertEquals(PathProof.Mode.OFF, parse("connect", "--legacy", "--offload", "OFF", "127.0.0.1:9999").offload());

        String token = token("127.0.0.1:9999", null).encode();
        ConnectSettings secure = parse("connect", "--token", token, "--offload");
        assertEquals(PathProof.Mode.ON, secure.offload());
        assertNotNull(secure.secure());
        assertEquals(PathProof.Mode.AUTO, parse("connect", "--token", token).offload());
        assertEquals(PathProof.Mode.ON, parse("connect", "--token", token, "--offload=on").offload());
        assertEquals(PathProof.Mode.OFF, parse("connect", "--token", token, "--offload", "off", "127.0.0.1:9999").offload());
    }

    @Test
    @Launch(value = {"connect", "--legacy", "--offload=sometimes", "127.0.0.1:9999"}, exitCode = 6)
    void anOffloadModeThatIsNoneIsABadValue(LaunchResult result) {
        assertOneErrorLine(result, "vport: error: Invalid value for option '--offload': 'sometimes' is not auto, on or off"
                + " (see 'vport connect --help')");
    }

    @Test
    @Launch({"connect", "--help"})
    void connectHelpSaysOffloadWorksWithLegacyToo(LaunchResult result) {
        String help = oneLine(result.getOutput());
        assertTrue(help.contains("--offload"), help);
        assertTrue(help.contains("With --legacy, against a switch that echoes no probe (the seed's), auto cuts segments itself"), help);
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
                List.of("transfer", "send", "127.0.0.1", "70000", "file"),
                List.of("transfer", "send", "--progress", "sometimes", "127.0.0.1", "5000", "file"));
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
}
