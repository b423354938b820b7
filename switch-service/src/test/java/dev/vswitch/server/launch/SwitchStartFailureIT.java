package dev.vswitch.server.launch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged switch, started where it cannot work: each failure is one line that names the reason and the
 * setting to change, with its own exit code, no stack trace and no "listening" or "started" line before it.
 */
class SwitchStartFailureIT {

    @TempDir
    Path workDir;

    @Test
    void udpPortInUseNamesVswitchPort() throws Exception {
        try (DatagramSocket held = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            String error = failingStart(3, "-Dvswitch.port=" + held.getLocalPort());
            assertTrue(error.contains("cannot listen on udp 127.0.0.1:" + held.getLocalPort() + ": Address already in use"), error);
            assertTrue(error.contains("vswitch.port (VSWITCH_PORT)"), error);
        }
    }

    @Test
    void legacyPortInUseNamesVswitchLegacyPort() throws Exception {
        try (DatagramSocket held = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            String error = failingStart(3, "-Dvswitch.legacy-port=" + held.getLocalPort());
            assertTrue(error.contains("Address already in use") && error.contains("vswitch.legacy-port"), error);
        }
    }

    @Test
    void httpPortInUseNamesQuarkusHttpPort() throws Exception {
        try (ServerSocket held = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String error = failingStart(5, "-Dquarkus.http.port=" + held.getLocalPort());
            assertTrue(error.contains("Address already in use"), error);
            assertTrue(error.contains("quarkus.http.port (QUARKUS_HTTP_PORT"), error);
        }
    }

    @Test
    void keyFolderInsideAFileGivesTheOsReason() throws Exception {
        Path file = Files.writeString(workDir.resolve("a-file"), "not a folder");
        String error = failingStart(4, "-Dvswitch.key-dir=" + file.resolve("keys"));
        assertTrue(error.contains("Not a directory"), error);
        assertTrue(error.contains("vswitch.key-dir (VSWITCH_KEY_DIR)"), error);
    }

    @Test
    void keyFolderNotWritableGivesPermissionDenied() throws Exception {
        Path readOnly = Files.createDirectory(workDir.resolve("read-only"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("r-xr-xr-x")));
        List<String> asUser = new ArrayList<>();
        Path jar = SwitchProcess.packagedJar();
        if ("root".equals(System.getProperty("user.name"))) {
            // Root writes anywhere: the switch runs as nobody instead, which may not write here. Nor may it read a
            // clone under a private folder (root's home, a mktemp -d): it runs a copy of the package from here.
            asUser.addAll(List.of(setpriv(), "--reuid=65534", "--regid=65534", "--clear-groups"));
            Files.setPosixFilePermissions(workDir, PosixFilePermissions.fromString("rwxr-xr-x"));
            jar = copyTree(jar.getParent(), workDir.resolve("quarkus-app")).resolve(jar.getFileName());
        }
        List<String> command = new ArrayList<>(asUser);
        List<String> options = new ArrayList<>(SwitchProcess.loopbackOptions(readOnly.resolve("keys")));
        command.addAll(SwitchProcess.command(jar, options, List.of()));
        SwitchProcess vswitch = SwitchProcess.start(command, workDir, Map.of());
        assertEquals(4, vswitch.awaitExit(SwitchProcess.START_TIMEOUT), vswitch.output());
        String error = oneErrorLine(vswitch);
        assertTrue(error.contains("Permission denied"), error);
        assertTrue(error.contains("vswitch.key-dir (VSWITCH_KEY_DIR)"), error);
    }

    /** Copies the folder {@code from} to {@code to} (files 0644, folders 0755 under root's umask); returns {@code to}. */
    private static Path copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
        return to;
    }

    /** Starts the switch with one setting changed, expects {@code exitCode}, and returns its one error line. */
    private String failingStart(int exitCode, String setting) throws Exception {
        List<String> options = new ArrayList<>(SwitchProcess.loopbackOptions(workDir.resolve("keys")));
        options.add(setting);
        SwitchProcess vswitch = SwitchProcess.start(SwitchProcess.command(options, List.of()), workDir, Map.of());
        assertEquals(exitCode, vswitch.awaitExit(SwitchProcess.START_TIMEOUT), vswitch.output());
        return oneErrorLine(vswitch);
    }

    /** The process's single error line; fails on a stack trace or a "listening"/"started" line. */
    private static String oneErrorLine(SwitchProcess vswitch) {
        String output = vswitch.output();
        assertFalse(output.contains("Exception") || output.contains("\tat ") || output.contains("Caused by"),
                "no stack trace:\n" + output);
        assertFalse(output.contains("listening") || output.contains(" started in "),
                "nothing claims to be listening:\n" + output);
        List<String> errors = vswitch.lines().stream().filter(line -> line.startsWith("vswitch: ")).toList();
        assertEquals(1, errors.size(), "one error line:\n" + output);
        return errors.get(0);
    }

    private static String setpriv() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            File candidate = new File(dir, "setpriv");
            if (candidate.canExecute()) {
                return candidate.getPath();
            }
        }
        throw new AssertionError("running as root, this test needs setpriv (util-linux) to run the switch as nobody");
    }
}
