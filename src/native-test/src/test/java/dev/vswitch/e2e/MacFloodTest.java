package dev.vswitch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A host that floods the switch with frames from thousands of random source MACs gets no more than its share of the
 * MAC table: past the per-port limit (vswitch.safety.max-macs-per-port, 256 by default) frames from new MACs are
 * dropped. So the flood reaches the other hosts only until the limit, and their traffic never suffers.
 */
class MacFloodTest {

    private static final int FLOOD_FRAMES = 5000;
    /** The flood is spread over this time; the ping under fire is shorter, so it runs while frames flow. */
    private static final int FLOOD_SECONDS = 5;
    private static final int PINGS_UNDER_FLOOD = 15;
    /** The switch's default per-port MAC limit. */
    private static final int MAX_MACS_PER_PORT = 256;
    /** Frames h1 may receive in the window besides the replies and the flood: ARP between h1 and h2. */
    private static final int SLACK = 20;

    @RegisterExtension
    final Lab lab = new Lab();

    @Test
    void thousandsOfRandomSourceMacsNeitherDisturbPingNorReachOthersPastThePerPortLimit()
            throws InterruptedException {
        Topology net = lab.topology(3);
        Host h1 = net.host(1);
        Host h2 = net.host(2);
        Host flooder = net.host(3);
        // No IPv6: the TAPs send nothing of their own, so h1's receive counter counts only what this test makes.
        net.hosts().forEach(Host::disableIpv6);
        net.startSwitch();
        net.startVports();
        h1.ping(h2.overlayIp(), 3).orFail();
        h2.ping(h1.overlayIp(), 3).orFail();

        long h1Before = h1.tapRxPackets();
        long flooderBefore = flooder.tapTxPackets();
        long seed = System.nanoTime();
        Proc flood = RawFrames.start(net, flooder, RawFrames.MAC_FLOOD, FLOOD_FRAMES, FLOOD_SECONDS, seed);
        Command.Result underFlood = h1.ping(h2.overlayIp(), PINGS_UNDER_FLOOD);
        boolean floodOutlastedPing = flood.isAlive();
        int sent = RawFrames.awaitSent(flood, Duration.ofSeconds(2L * FLOOD_SECONDS + 20));
        h1.awaitQuietTap();
        long offered = flooder.tapTxPackets() - flooderBefore;
        long received = h1.tapRxPackets() - h1Before;
        int replies = Host.repliesOf(underFlood);
        long floodAtH1 = received - replies;

        System.out.printf("MAC flood (seed %d): h3 sent %d frames from random MACs, its vport took %d; h1 got %d/%d"
                + " ping replies under the flood and %d other frames (limit %d MACs per port)%n",
                seed, sent, offered, replies, PINGS_UNDER_FLOOD, floodAtH1, MAX_MACS_PER_PORT);
        assertTrue(floodOutlastedPing, "the flood stopped before the ping did, so the ping proved nothing");
        assertTrue(offered >= FLOOD_FRAMES / 2, "h3's vport took only " + offered + " of " + sent
                + " frames from its TAP, so the switch never saw a flood");
        assertEquals(PINGS_UNDER_FLOOD, replies, "pings lost under the MAC flood (seed " + seed + "): " + underFlood);
        assertTrue(floodAtH1 <= MAX_MACS_PER_PORT + SLACK, "h1 received " + floodAtH1 + " frames of the "
                + offered + " from h3's random MACs, more than the per-port limit of " + MAX_MACS_PER_PORT
                + " MACs (+" + SLACK + ") allows");

        // The flood left h1's and h2's own entries and ports alone: fresh ARP broadcasts and pings work.
        for (Host host : List.of(h1, h2)) {
            host.ns().check("ip", "neigh", "flush", "dev", host.tap());
        }
        h1.ping(h2.overlayIp(), 3).orFail();
        h2.ping(h1.overlayIp(), 3).orFail();
    }
}
