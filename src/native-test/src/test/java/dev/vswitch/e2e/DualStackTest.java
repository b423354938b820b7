package dev.vswitch.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The switch started without {@code vswitch.host} listens on every IPv6 and IPv4 address with one socket: a host's vport
 * joins over IPv4 and a vport beside the switch over {@code [::1]}, and the two reach each other across the LAN.
 */
class DualStackTest {

    @RegisterExtension
    final Lab lab = new Lab();

    @Test
    void aVportOverIpv6LoopbackAndOneOverIpv4ShareTheLan() {
        Topology net = lab.topology(1);
        Host host = net.host(1);
        net.startSwitch();
        net.startVport(host);
        Proc besideSwitch = net.startVportBesideSwitchOverIpv6("tapv6", "198.19.0.99/24");
        assertTrue(besideSwitch.log().contains("connected to [::1]:" + SwitchSetup.PORT), besideSwitch.log());
        host.ping("198.19.0.99", 3).orFail();
    }
}
