package dev.vswitch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Datagrams at the secure port that are no protocol message, plaintext frames (which a secure port must never
 * switch), and forged protocol messages neither stop forwarding nor the switch.
 */
class GarbageTest {

    private static final int RANDOM_DATAGRAMS = 400;
    /** The garbage is spread over this time; the ping under fire is shorter, so it runs while garbage flows. */
    private static final int GARBAGE_SECONDS = 6;
    private static final int PINGS_UNDER_FIRE = 15;

    @RegisterExtension
    final Lab lab = new Lab();

    @Test
    void garbageFromAThirdHostDisturbsNeitherForwardingNorTheSwitch() {
        Topology net = lab.topology(3);
        Host h1 = net.host(1);
        Host h2 = net.host(2);
        Host attacker = net.host(3);
        net.startSwitch();
        net.startVport(h1);
        net.startVport(h2);
        h1.ping(h2.overlayIp(), 3).orFail();

        long seed = System.nanoTime();
        Proc garbage = net.startHelper(attacker, "garbage", GarbageSender.class,
                attacker.switchIp(), String.valueOf(SwitchSetup.PORT), String.valueOf(RANDOM_DATAGRAMS),
                String.valueOf(GARBAGE_SECONDS), String.valueOf(seed));
        garbage.awaitLine(Topology.READY_TIMEOUT, "garbage: sending");

        Command.Result underFire = h1.ping(h2.overlayIp(), PINGS_UNDER_FIRE);
        assertTrue(garbage.isAlive(), "the garbage stopped before the ping did, so the ping proved nothing");
        String allReplies = PINGS_UNDER_FIRE + " packets transmitted, " + PINGS_UNDER_FIRE + " received";
        assertTrue(underFire.output().contains(allReplies),
                "pings lost under garbage (seed " + seed + "): " + underFire);
        assertEquals(0, garbage.awaitExit(Duration.ofSeconds(4L * GARBAGE_SECONDS)), garbage + " failed");
        garbage.awaitLine(Duration.ZERO, "garbage: done");

        assertTrue(net.switchProc().isAlive(), net.switchProc() + " died of garbage (seed " + seed + ")");
        // Forget the neighbours, so the next ping needs a fresh ARP broadcast: it would go astray had the secure port
        // switched one of the plaintext frames and learned the broadcast address as a source on the attacker's port.
        for (Host host : List.of(h1, h2)) {
            host.ns().check("ip", "neigh", "flush", "dev", host.tap());
        }
        h1.ping(h2.overlayIp(), 3).orFail();
        h2.ping(h1.overlayIp(), 3).orFail();
    }
}
