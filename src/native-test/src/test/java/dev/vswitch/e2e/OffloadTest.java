package dev.vswitch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vport --offload}: the TAP hands vport TCP segments of up to 64 KB, which cross the switch whole to a vport that
 * takes them and are cut into ordinary frames, checksums completed, for one that does not. Either way a file arrives
 * byte for byte, and each vport's summary shows that offload messages really went out and came in. The same over the
 * legacy port's plain format ({@code vport --legacy --offload}).
 */
class OffloadTest {

    private static final int SIZE = 20 * 1024 * 1024;
    private static final Duration TRANSFER_TIMEOUT = Duration.ofSeconds(90);
    private static final Pattern OFFLOAD = Pattern.compile("offload (\\d+) sent/(\\d+) received");
    private static final Pattern JOINED = Pattern.compile("joined (\\d+) frames into (\\d+) TAP writes");
    private static final Pattern FALLBACKS = Pattern.compile(
            "(?m)^vswitch_offload_fallbacks_total\\{[^}]*network=\"default\"[^}]*} ([0-9.]+)$");
    /** The status file is rewritten every second; a fallback takes up to 3.5 s after the path breaks. */
    private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(20);

    @RegisterExtension
    final Lab lab = new Lab();

    @Test
    void tcpSegmentsOfUpTo64KbCrossTheSwitchWholeBetweenTwoOffloadVports(@TempDir Path dir) {
        Topology net = lab.topology(2);
        net.startSwitch();
        Join offload = Join.network(SwitchSetup.DEFAULT_NETWORK).withOffload();
        Proc sender = net.startVport(net.host(1), offload);
        Proc receiver = net.startVport(net.host(2), offload);

        transfer(net, net.host(1), net.host(2), dir, "file");
        net.host(2).ping(net.host(1).overlayIp(), 3).orFail();

        long[] sent = offloadCounts(sender);
        long[] received = offloadCounts(receiver);
        assertTrue(sent[0] > 0, "the sending vport sent no offload message: " + sender.log());
        assertTrue(received[1] > 0, "the receiving vport got no offload message from the switch");
    }

    @Test
    void theSwitchCutsOffloadSegmentsIntoFramesForAVportWithoutOffload(@TempDir Path dir) {
        Topology net = lab.topology(2);
        net.startSwitch();
        Proc offloading = net.startVport(net.host(1), Join.network(SwitchSetup.DEFAULT_NETWORK).withOffload());
        net.startVport(net.host(2), Join.network(SwitchSetup.DEFAULT_NETWORK).withOffload("off"));

        transfer(net, net.host(1), net.host(2), dir, "to-plain");
        transfer(net, net.host(2), net.host(1), dir, "from-plain");

        assertTrue(offloadCounts(offloading)[0] > 0, "the vport with --offload sent no offload message");
    }

    @Test
    void theLegacyPortCarriesOffloadToo(@TempDir Path dir) {
        Topology net = lab.topology(3);
        net.startSwitch(SwitchSetup.defaults().withLegacyPort());
        Proc sender = net.startVport(net.host(1), Join.legacyPort().withOffload());
        Proc receiver = net.startVport(net.host(2), Join.legacyPort().withOffload());
        net.startVport(net.host(3), Join.legacyPort().withOffload("off"));
        transfer(net, net.host(1), net.host(2), dir, "plain-offload");
        transfer(net, net.host(1), net.host(3), dir, "plain-to-seed-style");
        transfer(net, net.host(3), net.host(1), dir, "plain-from-seed-style");

        assertTrue(offloadCounts(sender)[0] > 0, "the legacy vport with --offload sent no offload frame: " + sender.log());
        assertTrue(offloadCounts(receiver)[1] > 0, "the receiving legacy vport got no offload frame from the switch");
    }

    /**
     * The default, {@code --offload=auto}, on an underlay that drops IP fragments from the start: the probes are never
     * echoed, so neither vport nor switch sends a datagram larger than the path MTU, and files cross both ways; the
     * receiving vport joins the frames of each transfer back into TCP super-frames, which its TAP takes. (With
     * {@code --offload=on} the same transfer carries 0.1-0.3 Mbit/s: bench/RESULTS.md.)
     */
    @Test
    void autoOnAnUnderlayThatDropsFragmentsNeverUsesLargeDatagramsAndFilesCross(@TempDir Path dir) {
        requireNft();
        Topology net = lab.topology(2);
        net.startSwitch();
        net.dropIpFragments();
        Proc one = net.startVport(net.host(1));
        Proc two = net.startVport(net.host(2));

        transfer(net, net.host(1), net.host(2), dir, "no-fragments");
        transfer(net, net.host(2), net.host(1), dir, "no-fragments-back");

        for (Host host : net.hosts()) {
            String status = net.vportStatus(host).orFail().output();
            assertTrue(status.contains("offload auto: path unproven"), status);
        }
        for (Proc vport : List.of(one, two)) {
            assertTrue(vport.stop(), vport + " did not stop");
            assertFalse(OFFLOAD.matcher(vport.log()).find(), "offload messages on a path that drops them: " + vport.log());
            // The frames of each transfer were joined again for the receiving TAP, which took the super-frames
            Matcher joined = JOINED.matcher(vport.log());
            assertTrue(joined.find(), "no frames joined for the TAP: " + vport.log());
            assertTrue(Long.parseLong(joined.group(1)) > 2 * Long.parseLong(joined.group(2)), joined.group());
            assertFalse(vport.log().contains("tap-write-failed"), vport.log());
        }
    }

    /**
     * {@code --offload=auto} on an underlay that carries fragments, until it stops doing so between two transfers: the
     * first goes with offload, the second falls back to path-MTU datagrams within seconds instead of hanging; both vports
     * say so in 'vport status', and the switch counts the fallbacks.
     */
    @Test
    void autoFallsBackWhenTheUnderlayStartsDroppingFragmentsAndTheSwitchCountsIt(@TempDir Path dir) {
        requireNft();
        Topology net = lab.topology(2);
        net.startSwitch();
        Proc sender = net.startVport(net.host(1));
        net.startVport(net.host(2));
        for (Host host : net.hosts()) {
            awaitStatus(net, host, "offload auto: path proven");
        }
        transfer(net, net.host(1), net.host(2), dir, "with-fragments");

        net.dropIpFragments();
        transfer(net, net.host(1), net.host(2), dir, "without-fragments");
        for (Host host : net.hosts()) {
            awaitStatus(net, host, "offload auto: path fell back (1 fallback to path-MTU datagrams)");
        }
        Matcher fallbacks = FALLBACKS.matcher(net.switchApi(1, "/q/metrics"));
        assertTrue(fallbacks.find(), "no vswitch_offload_fallbacks_total for network default");
        assertEquals(2.0, Double.parseDouble(fallbacks.group(1)), "one fallback per vport");
        assertTrue(offloadCounts(sender)[0] > 0, "h1's vport used offload before the underlay changed");
    }

    private static void awaitStatus(Topology net, Host host, String expected) {
        Awaitility.await(host + "'s vport status says " + expected).atMost(STATUS_TIMEOUT).pollInterval(Duration.ofMillis(500))
                .until(() -> net.vportStatus(host).output(), status -> status.contains(expected));
    }

    private static void requireNft() {
        List<String> missing = NetnsSupport.missingCommands(Map.of("nft", "nftables"));
        if (!missing.isEmpty()) {
            NetnsSupport.skipOrFail("VSWITCH_REQUIRE_TOOLS", "an underlay that drops IP fragments needs " + missing.get(0));
        }
    }

    /** {@code SIZE} random bytes from {@code from} to {@code to}, checked as {@link Transfer#randomBytes} does. */
    private static void transfer(Topology net, Host from, Host to, Path dir, String name) {
        Transfer.randomBytes(net, from, to, SIZE, dir, name, TRANSFER_TIMEOUT);
    }

    /** Offload messages {sent, received} from the vport's summary, printed when it stops. */
    private static long[] offloadCounts(Proc vport) {
        assertTrue(vport.stop(), vport + " did not stop");
        Matcher matcher = OFFLOAD.matcher(vport.log());
        assertTrue(matcher.find(), vport + " printed no offload counts in its summary");
        return new long[] {Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2))};
    }
}
