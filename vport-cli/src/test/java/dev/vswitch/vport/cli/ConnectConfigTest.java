package dev.vswitch.vport.cli;

import dev.vswitch.vport.link.PathProof;
import static dev.vswitch.vport.cli.CommandLines.assertOneErrorLine;
import static dev.vswitch.vport.cli.CommandLines.oneLine;
import static dev.vswitch.vport.cli.CommandLines.parse;
import static dev.vswitch.vport.cli.CommandLines.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vswitch.vport.values.HostPort;
import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vport connect --config FILE}: the settings file of the systemd unit vport@NAME. */
@QuarkusMainTest
class ConnectConfigTest {

    @TempDir
    Path dir;

    @Test
    void theFileSetsWhatTheCommandLineDoesNotAndRelativePathsAreItsFolders() throws Exception {
        Files.writeString(dir.resolve("lab.token"), token("127.0.0.1:9999", null).encode() + "\n");
        Path config = Files.writeString(dir.resolve("lab.conf"), String.join("\n",
                "# vport@lab",
                "token-file=lab.token",
                "switch=127.0.0.1:10000,127.0.0.1:10001",
                "tap=lab0",
                "ip=198.19.0.1/24",
                "mtu=1400",
                "offload=true",
                "keepalive=3",
                "status-dir=run",
                ""));
        ConnectSettings settings = parse("connect", "--config", config.toString());
        assertEquals("lab", settings.secure().token().network());
        assertEquals(List.of(new HostPort("127.0.0.1", 10000), new HostPort("127.0.0.1", 10001)), settings.targets());
        assertEquals("lab0", settings.tapName());
        assertEquals("198.19.0.1/24", settings.ip().toString());
        assertEquals(1400, settings.mtu());
        assertEquals(PathProof.Mode.ON, settings.offload(), "offload=true, as a file written for the old flag says");
        assertEquals(Duration.ofSeconds(3), settings.keepalive());
        assertEquals(dir.resolve("run"), settings.statusDir());

        ConnectSettings overridden = parse("connect", "--config", config.toString(), "--tap", "lab1", "127.0.0.1:9999");
        assertEquals("lab1", overridden.tapName(), "the command line wins");
        assertEquals(List.of(new HostPort("127.0.0.1", 9999)), overridden.targets());
        assertEquals("198.19.0.1/24", overridden.ip().toString(), "what the command line leaves out still comes from the file");
    }

    @Test
    void aMissingFileAnUnknownKeyAndATokenInTheFileAreUsageErrors(QuarkusMainLauncher launcher) throws Exception {
        Path missing = dir.resolve("missing.conf");
        LaunchResult result = launcher.launch("connect", "--config", missing.toString());
        assertEquals(2, result.exitCode(), result.getErrorOutput());
        assertOneErrorLine(result, "vport: error: config file " + missing + " does not exist (see 'vport connect --help')");

        Path typo = Files.writeString(dir.resolve("typo.conf"), "token-file=/etc/vport/lab.token\ntpa=lab0\n");
        result = launcher.launch("connect", "--config", typo.toString());
        assertEquals(2, result.exitCode(), result.getErrorOutput());
        assertOneErrorLine(result, null);
        assertTrue(result.getErrorOutput().contains("unknown key 'tpa' in config file " + typo + " (keys are the long options"
                + " without dashes: ") && result.getErrorOutput().contains(" tap, "), result.getErrorOutput());

        String secret = token("127.0.0.1:9999", null).encode();
        Path withToken = Files.writeString(dir.resolve("secret.conf"), "token=" + secret + "\n");
        result = launcher.launch("connect", "--config", withToken.toString());
        assertEquals(2, result.exitCode(), result.getErrorOutput());
        assertOneErrorLine(result, "vport: error: config file " + withToken + " sets token=: keep the join token in a file of its own"
                + " (mode 0640) and name it with token-file=FILE (see 'vport connect --help')");
    }

    @Test
    void aBadValueInTheFileIsExit6AndSaysWhereItWasSet(QuarkusMainLauncher launcher) throws Exception {
        Path config = Files.writeString(dir.resolve("bad.conf"), "legacy=true\nswitch=127.0.0.1:9999\nip=198.19.0.300/24\n");
        LaunchResult result = launcher.launch("connect", "--config", config.toString());
        assertEquals(6, result.exitCode(), result.getErrorOutput());
        assertOneErrorLine(result, "vport: error: Invalid value for option '--ip': IPv4 address part above 255: '198.19.0.300/24'"
                + " (set in " + config + ") (see 'vport connect --help')");
    }

    @Test
    @Launch({"connect", "--help"})
    void connectHelpDocumentsTheFileAndWhereTheSecretsGo(LaunchResult result) {
        String help = oneLine(result.getOutput());
        for (String text : List.of("--config=FILE", "token-file=/etc/vport/lab.token", "switch=sw1.example.net:9999,sw2.example.net:9999",
                "Options on the command line win over the file", "token= is refused", "vport@NAME",
                "--ambient-caps=+net_admin", "read from files (--token-file, --key-file)")) {
            assertTrue(help.contains(text), text + " is documented:\n" + result.getOutput());
        }
    }
}
