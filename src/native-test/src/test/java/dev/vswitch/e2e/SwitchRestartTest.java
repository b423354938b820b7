package dev.vswitch.e2e;

import static org.awaitility.Awaitility.await;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The switch crashes and comes back with the same key folder: it has forgotten every session, so the vports, left
 * running, must notice and handshake again by themselves, and carry traffic within ten seconds.
 */
class SwitchRestartTest {

    /** The promise: traffic flows again within this time of the new switch being started. */
    private static final Duration RECOVERY_LIMIT = Duration.ofSeconds(10);
    /** How long we keep trying, longer than the limit, so that a miss reports the real recovery time. */
    private static final Duration RECOVERY_WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    final Lab lab = new Lab();

    @Test
    void pingResumesWithinTenSecondsOfTheKilledSwitchBeingRestarted() {
        Topology net = lab.topology(2);
        Host h1 = net.host(1);
        Host h2 = net.host(2);
        net.startSwitch();
        net.startVports();
        h1.ping(h2.overlayIp(), 3).orFail();

        Proc crashed = net.switchProc();
        long kill = System.nanoTime();
        crashed.kill();
        assertFalse(crashed.isAlive(), crashed + " survived SIGKILL");
        // Traffic while the switch is gone makes the vports meet a closed port (ICMP port unreachable).
        assertFalse(h1.ping(h2.overlayIp(), 2).succeeded(), "ping got through with the switch dead");

        long restart = System.nanoTime();
        net.restartSwitch();
        Duration startUp = since(restart);
        await("h1 to get a ping reply from h2 through the restarted switch").atMost(RECOVERY_WAIT)
                .until(() -> h1.ping(h2.overlayIp(), 1, 1).succeeded());
        Duration recovery = since(restart);
        h2.ping(h1.overlayIp(), 3).orFail();

        String timing = String.format("ping resumed %.1f s after the restart (the switch took %.1f s to listen;"
                + " %.1f s after the kill)", recovery.toMillis() / 1e3, startUp.toMillis() / 1e3,
                since(kill).toMillis() / 1e3);
        System.out.println(timing);
        assertTrue(recovery.compareTo(RECOVERY_LIMIT) <= 0,
                timing + ", more than " + RECOVERY_LIMIT.toSeconds() + " s");
    }

    private static Duration since(long nanoTime) {
        return Duration.ofNanos(System.nanoTime() - nanoTime);
    }
}
