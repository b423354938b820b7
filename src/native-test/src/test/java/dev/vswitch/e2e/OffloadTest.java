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
 * {@code vport --offload}: the TAP hands vport TCP segments of up to 64 KB, which cross the switch whole to a vport that
 * takes them and are cut into ordinary frames, checksums completed, for one that does not. Either way a file arrives
 * byte for byte, and each vport's summary shows that offload messages really went out and came in. The same over the
 * legacy port's plain format ({@code vport --legacy --offload}).
 */
class OffloadTest {

    private static final int SIZE = 20 * 1024 * 1024;
    private static final Duration TRANSFER_TIMEOUT = Duration.ofSeconds(90);
    private static final Pattern OFFLOAD = Pattern.compile("offload (\\d+) sent/(\\d+) received");

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
        net.startVport(net.host(2));

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
        net.startVport(net.host(3), Join.legacyPort());
        transfer(net, net.host(1), net.host(2), dir, "plain-offload");
        transfer(net, net.host(1), net.host(3), dir, "plain-to-seed-style");
        transfer(net, net.host(3), net.host(1), dir, "plain-from-seed-style");

        assertTrue(offloadCounts(sender)[0] > 0, "the legacy vport with --offload sent no offload frame: " + sender.log());
        assertTrue(offloadCounts(receiver)[1] > 0, "the receiving legacy vport got no offload frame from the switch");
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
