package dev.vswitch.vport.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secure protocol end to end: two namespaces joined by a veth pair (198.18.1.0/30) stand for two
 * machines, the secure test switch runs in namespace A and writes its join token to a file, and each
 * vport joins with that token file, making its own client key on first use. The vport in B overrides the
 * token's endpoint, as inside Kubernetes.
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
        machineA.ip("link", "add", "vsw-inet-a", "type", "veth", "peer", "name", "vsw-inet-b", "netns", machineB.name());
        machineA.ip("addr", "add", "198.18.1.1/30", "dev", "vsw-inet-a");
        machineA.ip("link", "set", "vsw-inet-a", "up");
        machineB.ip("addr", "add", "198.18.1.2/30", "dev", "vsw-inet-b");
        machineB.ip("link", "set", "vsw-inet-b", "up");

        testSwitch = startSwitch();
        String token = dir.resolve("switch").resolve(NETWORK + ".token").toString();
        vportA = machineA.start("vport-a", Vports.vport("connect", "--token-file", token, "--key-file", keyFile("a").toString(),
                "--tap", "vswa", "--ip", "198.18.0.1/24", "--mac", "02:00:5e:10:00:0a", "--keepalive", "1", "--dead-after", "3"));
        vportB = machineB.start("vport-b", Vports.vport("connect", "--token-file", token, "198.18.1.1:" + SWITCH_PORT,
                "--key-file", keyFile("b").toString(), "--tap", "vswb", "--ip", "198.18.0.2/24", "--mac", "02:00:5e:10:00:0b",
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

        assertEquals(0, vportA.stop(), vportA.describe());
        assertTrue(vportA.stdout().matches("(?s).*from switch [1-9]\\d* frames/.*keepalives [1-9]\\d* sent/[1-9]\\d* answered,"
                + " handshakes 1 completed/0 failed, dropped.*"), vportA.describe());
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

    private Path keyFile(String machine) {
        return dir.resolve(machine).resolve("private.key");
    }
}
