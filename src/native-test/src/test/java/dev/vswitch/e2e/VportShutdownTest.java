package dev.vswitch.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** SIGTERM is how a service manager stops a vport: it must exit promptly and take its TAP with it. */
class VportShutdownTest {

    @RegisterExtension
    final Lab lab = new Lab();

    @Test
    void sigtermStopsTheVportAndRemovesItsTap() {
        Topology net = lab.topology(1);
        Host h1 = net.host(1);
        net.startSwitch();
        Proc vport = net.startVport(h1);

        assertTrue(vport.stop(), vport + " did not exit within " + Proc.STOP_GRACE.toSeconds() + " s of SIGTERM");
        Command.Result link = h1.ns().run(Duration.ofSeconds(10), "ip", "link", "show", "dev", h1.tap());
        assertFalse(link.succeeded(), h1.tap() + " is still there after the vport exited: " + link);
    }
}
