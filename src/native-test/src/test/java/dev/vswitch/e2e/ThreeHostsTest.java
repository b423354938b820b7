package dev.vswitch.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A switch with a network configured by name and key, and three vports on it: every host reaches every other one. */
class ThreeHostsTest {

    @RegisterExtension
    final Lab lab = new Lab();

    @Test
    void everyHostPingsEveryOther() {
        Topology net = lab.topology(3);
        net.startSwitch(SwitchSetup.withNetworks(SwitchSetup.Network.named("lab")));
        net.startVports(Join.network("lab"));

        for (Host from : net.hosts()) {
            for (Host to : net.hosts()) {
                if (from != to) {
                    from.ping(to.overlayIp(), 3).orFail();
                }
            }
        }
    }
}
