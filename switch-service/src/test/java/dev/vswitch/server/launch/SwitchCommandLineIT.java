package dev.vswitch.server.launch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code vswitch --help}, {@code -h}, {@code --version} and a wrong argument, on the packaged switch: they answer
 * and exit without binding a port or writing {@code vswitch-keys/} into the working folder.
 */
class SwitchCommandLineIT {

    private static final Duration QUICK = Duration.ofSeconds(20);

    @TempDir
    Path workDir;

    @ParameterizedTest
    @ValueSource(strings = {"--help", "-h"})
    void helpListsTheSettingsAndStartsNothing(String flag) throws Exception {
        // The ports it would bind are held here: a switch that started anyway would fail with exit code 3 or 5.
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             ServerSocket http = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            SwitchProcess vswitch = SwitchProcess.start(SwitchProcess.command(List.of("-Dvswitch.host=127.0.0.1",
                    "-Dquarkus.http.host=127.0.0.1", "-Dvswitch.port=" + udp.getLocalPort(),
                    "-Dquarkus.http.port=" + http.getLocalPort()), List.of(flag)), workDir, Map.of());
            assertEquals(0, vswitch.awaitExit(QUICK), vswitch.output());
            String help = vswitch.output();
            assertTrue(help.startsWith("Usage: vswitch"), help);
            for (String mentioned : List.of("vswitch.port", "vswitch.host", "vswitch.key-dir", "vswitch.public-endpoint",
                    "quarkus.http.port", "vswitch.legacy-port", "vswitch.networks.NAME.key", "vswitch.default-network",
                    "-Dvswitch.port=", "VSWITCH_PORT", "-Dquarkus.config.locations=", "Exit codes")) {
                assertTrue(help.contains(mentioned), "help mentions " + mentioned + ":\n" + help);
            }
            assertFalse(help.contains("listening") || help.contains(" started in "), help);
            assertNothingWritten();
        }
    }

    @Test
    void versionPrintsTheVersionAndStartsNothing() throws Exception {
        SwitchProcess vswitch = SwitchProcess.start(SwitchProcess.command(List.of(), List.of("--version")), workDir, Map.of());
        assertEquals(0, vswitch.awaitExit(QUICK), vswitch.output());
        assertEquals(List.of("vswitch " + System.getProperty("vswitch.version")), vswitch.lines());
        assertNothingWritten();
    }

    @Test
    void anUnknownArgumentIsRefusedInOneLine() throws Exception {
        SwitchProcess vswitch = SwitchProcess.start(SwitchProcess.command(List.of(), List.of("--port", "9999")),
                workDir, Map.of());
        assertEquals(2, vswitch.awaitExit(QUICK), vswitch.output());
        assertEquals(List.of("vswitch: unknown argument '--port' (vswitch --help lists the settings)"), vswitch.lines());
        assertNothingWritten();
    }

    @Test
    void settingsAfterTheJarAreSettingsToo() throws Exception {
        // -Dvswitch.port=HELD after -jar: the switch must try that port (and fail on it), not ignore the argument.
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            SwitchProcess vswitch = SwitchProcess.start(SwitchProcess.command(
                    SwitchProcess.loopbackOptions(workDir.resolve("keys")),
                    List.of("-Dvswitch.port=" + udp.getLocalPort())), workDir, Map.of());
            assertEquals(3, vswitch.awaitExit(SwitchProcess.START_TIMEOUT), vswitch.output());
            assertTrue(vswitch.output().contains("127.0.0.1:" + udp.getLocalPort()), vswitch.output());
        }
    }

    private void assertNothingWritten() throws Exception {
        try (var entries = Files.list(workDir)) {
            assertEquals(List.of(), entries.toList(), "nothing written into the working folder");
        }
    }
}
