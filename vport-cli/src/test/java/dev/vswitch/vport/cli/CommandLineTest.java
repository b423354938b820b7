package dev.vswitch.vport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vswitch.vport.ExitCode;
import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import java.util.List;
import org.junit.jupiter.api.Test;

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
        assertTrue(help.contains("Default: 1438"), help);
        assertTrue(help.contains("Default: 5"), help);
        assertTrue(help.contains("Default: 15"), help);
        assertTrue(help.contains("setcap cap_net_admin+ep"), help);
        assertTrue(help.contains("modprobe tun"), help);
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
    void aMissingSwitchAddressIsAUsageError(LaunchResult result) {
        assertOneErrorLine(result, "vport: error: missing switch address: give HOST:PORT, or HOST PORT (see 'vport connect --help')");
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
                List.of("connect", "127.0.0.1:0"),
                List.of("connect", "::1:9999"),
                List.of("127.0.0.1", "port"),
                List.of("transfer", "send", "127.0.0.1", "70000", "file"));
        for (List<String> args : badValues) {
            LaunchResult result = launcher.launch(args.toArray(String[]::new));
            assertEquals(6, result.exitCode(), args + ": " + result.getErrorOutput());
            assertOneErrorLine(result, null);
        }
    }

    @Test
    @Launch(value = {"connect", "no-such-switch.invalid:9999"}, exitCode = 7)
    void anUnresolvableSwitchIsExit7BeforeAnyTapIsCreated(LaunchResult result) {
        assertOneErrorLine(result, "vport: error: cannot resolve host 'no-such-switch.invalid': check the name, or give an IP address");
    }

    @Test
    @Launch(value = {"no-such-switch.invalid", "9999"}, exitCode = 7)
    void theSeedsHostPortFormResolvesTheSameWay(LaunchResult result) {
        assertOneErrorLine(result, "vport: error: cannot resolve host 'no-such-switch.invalid': check the name, or give an IP address");
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
