package dev.vswitch.vport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vswitch.protocol.keys.JoinToken;
import dev.vswitch.protocol.noise.X25519;
import io.quarkus.test.junit.main.LaunchResult;
import java.security.SecureRandom;
import java.util.List;
import picocli.CommandLine;

/** What the command-line tests share: parsing without running, test tokens, and the one-error-line check. */
final class CommandLines {

    private CommandLines() {
    }

    /** Help text with its line wrapping undone. */
    static String oneLine(String help) {
        return help.replaceAll("\\s+", " ");
    }

    /** The settings {@code connect} would run with, parsed as picocli does, without running it. */
    static ConnectSettings parse(String... args) {
        CommandLine commandLine = new CommandLine(new VportCommand());
        CommandLine.ParseResult parsed = commandLine.parseArgs(args);
        return ((ConnectCommand) parsed.subcommand().commandSpec().userObject()).settings();
    }

    /** A join token of network "lab" for a switch at {@code endpoint}, with a fresh switch key and network key. */
    static JoinToken token(String endpoint, byte[] clientKey) {
        SecureRandom random = new SecureRandom();
        return new JoinToken(endpoint, X25519.publicKey(X25519.generatePrivateKey(random)), "lab", X25519.generatePrivateKey(random), clientKey);
    }

    /** Exactly one line on stderr, with the prefix (and {@code expected} if given), and no stack trace anywhere. */
    static void assertOneErrorLine(LaunchResult result, String expected) {
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
