package dev.vswitch.vport.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two machines on one virtual LAN, built from two namespaces of the test's own: a veth pair stands for
 * the internet (198.18.1.0/30), the test hub plays the switch in namespace A, and one vport runs in each
 * namespace with its TAP on 198.18.0.0/24. Everything here is real: kernel, TAPs, UDP, the packaged jar.
 */
class ForwardingIT {

    private static final Duration STARTUP = Duration.ofSeconds(30);
    private static final int SWITCH_PORT = 9999;
    private static final int HUB_LIFETIME_SECONDS = 180;
    private static final String[] FAST_LIVENESS = {"--keepalive", "1", "--dead-after", "3"};

    @TempDir
    Path dir;

    private NetworkNamespace machineA;
    private NetworkNamespace machineB;
    private BackgroundProcess hub;
    private BackgroundProcess vportA;
    private BackgroundProcess vportB;

    @BeforeEach
    void buildTheLan() throws Exception {
        RootRequirement.assumeRootWithTun("ip", "ping");
        machineA = NetworkNamespace.create();
        machineB = NetworkNamespace.create();
        machineA.linkTo(machineB);

        hub = startHub();
        vportA = machineA.start("vport-a", Vports.vport(withLiveness("connect", "--legacy", "127.0.0.1:" + SWITCH_PORT,
                "--tap", "vswa", "--ip", "198.18.0.1/24", "--mac", "02:00:5e:10:00:0a")));
        vportB = machineB.start("vport-b", Vports.vport(withLiveness("connect", "--legacy", "198.18.1.1:" + SWITCH_PORT,
                "--tap", "vswb", "--ip", "198.18.0.2/24", "--mac", "02:00:5e:10:00:0b", "-v")));
        vportA.awaitOutput("is answering", STARTUP);
        vportB.awaitOutput("is answering", STARTUP);
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
    void pingCrossesTheVirtualLanAndVerboseTracesEachFrame() throws Exception {
        Commands.Result ping = pingUntilAnswered();
        assertEquals(0, ping.exitCode(), ping.output() + vportA.describe() + vportB.describe());

        assertTrue(vportB.stdout().contains("switch->tap dst=02:00:5e:10:00:0b src=02:00:5e:10:00:0a type=0x0800 size=98"), vportB.describe());
        assertTrue(vportB.stdout().contains("tap->switch dst=02:00:5e:10:00:0a src=02:00:5e:10:00:0b type=0x0800 size=98"), vportB.describe());
        assertFalse(vportA.stdout().contains("->tap") || vportA.stdout().contains("tap->"), "no per-frame output without -v: " + vportA.describe());

        assertEquals(0, vportA.stop(), vportA.describe());
        assertTrue(vportA.stdout().matches("(?s).*from switch [1-9]\\d* frames/.*keepalives [1-9]\\d* sent/[1-9]\\d* answered.*"), vportA.describe());
    }

    @Test
    void aFileCrossesTheVirtualLanIntact() throws Exception {
        byte[] data = new byte[2 * 1024 * 1024];
        new Random(7).nextBytes(data);
        Path file = Files.write(dir.resolve("demo.bin"), data);
        Path received = dir.resolve("received.bin");

        BackgroundProcess receiver = machineB.start("receiver", Vports.vport("transfer", "receive", "198.18.0.2", "5000", received.toString(), "--timeout", "30"));
        receiver.awaitOutput("waiting for a sender on 198.18.0.2:5000", STARTUP);
        BackgroundProcess sender = machineA.start("sender", Vports.vport("transfer", "send", "198.18.0.2", "5000", file.toString(), "--timeout", "30"));

        assertEquals(0, sender.awaitExit(Duration.ofSeconds(60)), sender.describe());
        assertEquals(0, receiver.awaitExit(Duration.ofSeconds(60)), receiver.describe());
        String sent = resultLine(sender);
        assertTrue(sent.startsWith("bytes=" + data.length + " sha256="), sender.describe());
        assertEquals(sent, resultLine(receiver));
        assertArrayEquals(data, Files.readAllBytes(received));
    }

    @Test
    void theLanSurvivesASwitchRestartWithoutRestartingVports() throws Exception {
        assertEquals(143, hub.stop(), "the hub dies of SIGTERM: " + hub.describe());
        vportA.awaitOutput("waiting for switch 127.0.0.1:" + SWITCH_PORT + ": no reply for 3 s", STARTUP);
        vportB.awaitOutput("waiting for switch 198.18.1.1:" + SWITCH_PORT + ": no reply for 3 s", STARTUP);
        assertEquals(1, machineA.exec("ping", "-c", "1", "-W", "1", "198.18.0.2").exitCode(), "no LAN while the switch is down");

        hub = startHub();
        vportA.awaitOutput("is answering again", STARTUP);
        vportB.awaitOutput("is answering again", STARTUP);
        Commands.Result ping = pingUntilAnswered();
        assertEquals(0, ping.exitCode(), ping.output() + vportA.describe() + vportB.describe());

        assertEquals(0, vportA.stop(), vportA.describe());
        assertEquals(0, vportB.stop(), vportB.describe());
        assertTrue(vportB.stdout().contains("switch-unreachable="), "the restart was counted, not fatal: " + vportB.describe());
    }

    /**
     * A ping that meets a FAILED neighbour entry (a ping while the switch was down leaves one) fails at once: pings once
     * a second for up to 10 s while the kernel resolves the neighbour again, and returns the last result.
     */
    private Commands.Result pingUntilAnswered() {
        AtomicReference<Commands.Result> ping = new AtomicReference<>();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofSeconds(1))
                    .pollInSameThread().until(() -> {
                        ping.set(machineA.exec("ping", "-c", "1", "-W", "1", "198.18.0.2"));
                        return ping.get().exitCode() == 0;
                    });
        } catch (ConditionTimeoutException e) {
            // the caller's assertion shows the last ping's output
        }
        return ping.get();
    }

    private static String resultLine(BackgroundProcess transfer) {
        return transfer.stdout().lines().filter(line -> line.startsWith("bytes=")).findFirst().orElse("no result line:\n" + transfer.describe());
    }

    private BackgroundProcess startHub() throws InterruptedException {
        BackgroundProcess started = machineA.start("hub", Vports.hub(SWITCH_PORT, HUB_LIFETIME_SECONDS));
        started.awaitOutput("hub listening on " + SWITCH_PORT, STARTUP);
        return started;
    }

    private static String[] withLiveness(String... args) {
        String[] all = Arrays.copyOf(args, args.length + FAST_LIVENESS.length);
        System.arraycopy(FAST_LIVENESS, 0, all, args.length, FAST_LIVENESS.length);
        return all;
    }
}
