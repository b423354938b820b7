package dev.vswitch.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session follows its authenticated packets to a new address. h1's vport reaches the switch through a relay
 * ({@link UdpRelay}, in h1's namespace) that moves to a new source port halfway through a 20 MiB transfer, as a NAT
 * rebinding would; the switch must send to the new port as soon as authentic data arrives from it, without a new
 * handshake (which the vport would only start after seconds of silence), and the file must arrive intact.
 */
class RoamingTest {

    private static final int SIZE = 20 * 1024 * 1024;
    private static final String RELAY = "127.0.0.1:7000";
    private static final Duration TRANSFER_TIMEOUT = Duration.ofSeconds(90);
    /** The relay stops by itself after this, whatever happens. */
    private static final Duration RELAY_LIFETIME = Duration.ofSeconds(150);
    /** The switch answers on the new port this soon, far sooner than the vport would notice a silent switch. */
    private static final Duration ROAM_LIMIT = Duration.ofSeconds(2);
    private static final Pattern ROAM_LINE = Pattern.compile("on the new upstream port \\d+ after (\\d+) ms");

    @RegisterExtension
    final Lab lab = new Lab();

    @Test
    void aTransferSurvivesTheRelayMovingToANewSourcePortHalfway(@TempDir Path dir) {
        Topology net = lab.topology(2);
        Host h1 = net.host(1);
        Host h2 = net.host(2);
        net.startSwitch();
        String[] listen = RELAY.split(":");
        Proc relay = net.startHelper(h1, "relay", UdpRelay.class, listen[0], listen[1], h1.switchIp(),
                String.valueOf(SwitchSetup.PORT), String.valueOf(SIZE / 2), String.valueOf(RELAY_LIFETIME.toSeconds()));
        relay.awaitLine(Topology.READY_TIMEOUT, "relay: listening");
        net.startVport(h1, Join.network(SwitchSetup.DEFAULT_NETWORK).via(RELAY));
        net.startVport(h2);
        h1.ping(h2.overlayIp(), 3).orFail();
        Path file = dir.resolve("random.bin");
        Transfer.writeRandomFile(file, SIZE);

        Transfer.Outcome outcome = Transfer.run(net, h1, h2, file, dir.resolve("received.bin"), TRANSFER_TIMEOUT);

        String moved = relay.awaitLine(Duration.ZERO, "relay: new upstream port");
        String answered = relay.awaitLine(Duration.ZERO, "relay: first datagram from the switch on the new");
        Matcher roam = ROAM_LINE.matcher(answered);
        assertTrue(roam.find(), "no time in " + answered);
        long roamMillis = Long.parseLong(roam.group(1));
        System.out.printf("roaming: %s; the switch answered on the new port after %d ms; transfer of %d MiB took"
                + " %.1f s%n", moved.substring(moved.indexOf("relay:")), roamMillis, SIZE >> 20,
                outcome.elapsed().toMillis() / 1e3);
        outcome.assertIntact();
        assertTrue(roamMillis <= ROAM_LIMIT.toMillis(), "the switch took " + roamMillis
                + " ms to send to the relay's new port, more than " + ROAM_LIMIT.toMillis() + " ms");
        h2.ping(h1.overlayIp(), 3).orFail();
    }
}
