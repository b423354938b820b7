package dev.vswitch.vport.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vswitch.vport.status.StatusJson;
import dev.vswitch.vport.status.VportStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secure protocol end to end: two namespaces joined by a veth pair (198.18.1.0/30) stand for two
 * machines, the secure test switch runs in namespace A and writes its join token to a file, and each
 * vport joins with that token file, making its own client key on first use. The vport in B overrides the
 * token's endpoint, as inside Kubernetes. Each vport publishes its status in a directory of the test's own,
 * where {@code vport status}, run inside the vport's namespace, reads it.
 */
class SecureForwardingIT {

    private static final Duration STARTUP = Duration.ofSeconds(30);
    private static final int SWITCH_PORT = 9999;
    private static final int SWITCH_LIFETIME_SECONDS = 180;
    private static final String NETWORK = "lab";

    @TempDir
    Path dir;

    private NetworkNamespace machineA;
    private NetworkNamespace machineB;
    private BackgroundProcess testSwitch;
    private BackgroundProcess vportA;
    private BackgroundProcess vportB;

    @BeforeEach
    void buildTheLan() throws Exception {
        RootRequirement.assumeRootWithTun("ip", "ping");
        machineA = NetworkNamespace.create();
        machineB = NetworkNamespace.create();
        machineA.linkTo(machineB);

        testSwitch = startSwitch();
        String token = dir.resolve("switch").resolve(NETWORK + ".token").toString();
        vportA = machineA.start("vport-a", Vports.vport("connect", "--token-file", token, "--key-file", keyFile("a").toString(),
                "--status-dir", statusDir("a").toString(), "--tap", "vswa", "--ip", "198.18.0.1/24", "--mac", "02:00:5e:10:00:0a", "--keepalive", "1", "--dead-after", "3"));
        vportB = machineB.start("vport-b", Vports.vport("connect", "--token-file", token, "198.18.1.1:" + SWITCH_PORT,
                "--key-file", keyFile("b").toString(), "--status-dir", statusDir("b").toString(), "--tap", "vswb", "--ip", "198.18.0.2/24", "--mac", "02:00:5e:10:00:0b",
                "--keepalive", "1", "--dead-after", "3"));
        vportA.awaitOutput("connected to 127.0.0.1:" + SWITCH_PORT + " (network lab)", STARTUP);
        vportB.awaitOutput("connected to 198.18.1.1:" + SWITCH_PORT + " (network lab)", STARTUP);
    }

    @AfterEach
    void tearDown() {
        if (machineB != null) {
            machineB.close();
        }
        if (machineA != null) {
            machineA.close();
        }
    }

    @Test
    void pingCrossesTheSecureLanAtTheSecureMtuWithKeysMadeOnFirstUse() throws Exception {
        Commands.Result ping = machineA.exec("ping", "-c", "3", "-i", "0.2", "-W", "2", "198.18.0.2");
        assertEquals(0, ping.exitCode(), ping.output() + vportA.describe() + vportB.describe());
        Commands.Result fullSize = machineA.exec("ping", "-c", "1", "-W", "2", "-M", "do", "-s", "1378", "198.18.0.2");
        assertEquals(0, fullSize.exitCode(), "a full 1406-byte packet crosses: " + fullSize.output() + vportA.describe());

        assertTrue(vportA.stdout().contains("vport: vswa (02:00:5e:10:00:0a) mtu 1406 up, 198.18.0.1/24 -> switch 127.0.0.1:9999 (network lab)"),
                vportA.describe());
        assertTrue(machineA.ip("-j", "link", "show", "dev", "vswa").contains("\"mtu\":1406"));
        Matcher newKey = Pattern.compile("vport: new client key, public key (\\S+=) \\(add it to the network's allowed-clients to admit this machine\\)")
                .matcher(vportA.stdout());
        assertTrue(newKey.find(), vportA.describe());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile("a"))));
        Commands.Result pubkey = Commands.run(Vports.vport("pubkey", "--key-file", keyFile("a").toString()));
        assertEquals(newKey.group(1), pubkey.output().strip(), "keygen's sibling shows the same public key");

        VportStatus status = awaitStatusAfterTraffic(machineA, "vswa", statusDir("a"));
        assertEquals(VportStatus.Mode.SECURE, status.mode());
        assertEquals(NETWORK, status.network());
        assertEquals("127.0.0.1:" + SWITCH_PORT, status.switchTarget());
        assertTrue(status.rttMillis() >= 0 && status.rttMillis() < 1_000, StatusJson.write(status));
        assertTrue(status.toSwitch().frames() >= 4 && status.fromSwitch().frames() >= 4, "the pings each way: " + StatusJson.write(status));
        assertTrue(status.sessionAgeSeconds() != null && status.lastHandshake() != null, StatusJson.write(status));
        Commands.Result summary = machineA.exec(Vports.vport("status", "--status-dir", statusDir("a").toString()).toArray(String[]::new));
        assertEquals(0, summary.exitCode(), summary.output());
        assertTrue(summary.output().contains("vswa: connected to 127.0.0.1:" + SWITCH_PORT + " (network lab), session "), summary.output());
        String fileText = Files.readString(statusDir("a").resolve("vswa.json"));
        assertFalse(fileText.contains(Files.readString(dir.resolve("switch").resolve(NETWORK + ".token")).strip().substring(5, 40)),
                "no part of the token in the status file");
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(statusDir("a").resolve("vswa.json"))));

        assertEquals(0, vportA.stop(), vportA.describe());
        assertFalse(Files.exists(statusDir("a").resolve("vswa.json")), "the status file goes at stop");
        Commands.Result gone = machineA.exec(Vports.vport("status", "--tap", "vswa", "--status-dir", statusDir("a").toString())
                .toArray(String[]::new));
        assertEquals(12, gone.exitCode(), gone.output());
        assertTrue(gone.output().contains("no vport running for tap vswa"), gone.output());
        // At least one handshake: with --keepalive 1 a keepalive whose answer is late starts another one (seen once in CI).
        assertTrue(vportA.stdout().matches("(?s).*from switch [1-9]\\d* frames/.*keepalives [1-9]\\d* sent/[1-9]\\d* answered,"
                + " handshakes [1-9]\\d* completed/0 failed, dropped.*"), vportA.describe());
    }

    @Test
    void theLanSurvivesASwitchRestartThatForgetsEverySession() throws Exception {
        assertEquals(143, testSwitch.stop(), "the switch dies of SIGTERM: " + testSwitch.describe());
        vportA.awaitOutput("waiting for handshake response from 127.0.0.1:" + SWITCH_PORT + " (no answer for 3 s)", STARTUP);
        vportB.awaitOutput("waiting for handshake response from 198.18.1.1:" + SWITCH_PORT + " (no answer for 3 s)", STARTUP);

        testSwitch = startSwitch();
        vportA.awaitOutput("connected to 127.0.0.1:" + SWITCH_PORT + " (network lab)", 2, STARTUP);
        vportB.awaitOutput("connected to 198.18.1.1:" + SWITCH_PORT + " (network lab)", 2, STARTUP);
        Commands.Result ping = machineA.exec("ping", "-c", "3", "-i", "0.2", "-W", "2", "198.18.0.2");
        assertEquals(0, ping.exitCode(), ping.output() + vportA.describe() + vportB.describe());

        assertEquals(0, vportA.stop(), vportA.describe());
        assertEquals(0, vportB.stop(), vportB.describe());
        assertEquals(1, BackgroundProcess.count(vportA.stdout(), "vport: new client key"), "the key is made once: " + vportA.describe());
    }

    private BackgroundProcess startSwitch() throws InterruptedException {
        BackgroundProcess started = machineA.start("switch",
                Vports.secureSwitch(SWITCH_PORT, SWITCH_LIFETIME_SECONDS, dir.resolve("switch"), NETWORK));
        started.awaitOutput("secure switch listening on " + SWITCH_PORT, STARTUP);
        return started;
    }

    /**
     * Runs {@code vport status --tap TAP --json} inside the namespace until it reports the vport connected, with
     * a round trip measured and bytes counted both ways (the file is rewritten every second), and returns it.
     */
    private static VportStatus awaitStatusAfterTraffic(NetworkNamespace machine, String tap, Path statusDir) {
        AtomicReference<String> last = new AtomicReference<>("");
        try {
            return Awaitility.await().atMost(STARTUP).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(500)).pollInSameThread()
                    .until(() -> statusAfterTraffic(machine, tap, statusDir, last), Objects::nonNull);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("vport status did not report " + tap + " connected with traffic both ways within "
                    + STARTUP.toSeconds() + " s; last: " + last.get());
        }
    }

    /** One {@code vport status}: the status once it shows traffic both ways, else null; {@code last} says what it said. */
    private static VportStatus statusAfterTraffic(NetworkNamespace machine, String tap, Path statusDir, AtomicReference<String> last) {
        Commands.Result result = machine.exec(Vports.vport("status", "--tap", tap, "--status-dir", statusDir.toString(), "--json")
                .toArray(String[]::new));
        last.set("exit " + result.exitCode() + ": " + result.output());
        if (result.exitCode() != 0) {
            return null;
        }
        String json = result.output().substring(result.output().indexOf('{'), result.output().lastIndexOf('}') + 1);
        VportStatus status = StatusJson.read(json);
        assertTrue(status.connected(), last.get());
        assertEquals(tap, status.tap());
        return status.rttMillis() != null && status.toSwitch().bytes() > 0 && status.fromSwitch().bytes() > 0 ? status : null;
    }

    private Path statusDir(String machine) {
        return dir.resolve(machine).resolve("status");
    }

    private Path keyFile(String machine) {
        return dir.resolve(machine).resolve("private.key");
    }
}
