package dev.vswitch.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The seed's plain format still works where a user opens the legacy port: two vports with {@code --legacy} (one raw
 * Ethernet frame per datagram, as the seed's vport.c sends) reach each other both ways.
 */
class LegacyVportsTest {

    @RegisterExtension
    final Lab lab = new Lab();

    @Test
    void twoLegacyVportsPingBothWaysThroughTheLegacyPort() {
        Topology net = lab.topology(2);
        Host h1 = net.host(1);
        Host h2 = net.host(2);
        net.startSwitch(SwitchSetup.defaults().withLegacyPort());
        net.startVports(Join.legacyPort());

        h1.ping(h2.overlayIp(), 3).orFail();
        h2.ping(h1.overlayIp(), 3).orFail();
    }
}
