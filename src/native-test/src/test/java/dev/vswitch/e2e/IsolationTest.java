package dev.vswitch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vswitch.e2e.SwitchSetup.Network;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two networks on one switch are two separate LANs, even with the same overlay subnet: hosts of one cannot reach the
 * other, and a host of one receives no frame of the other, not even a broadcast or an IPv6 multicast.
 */
class IsolationTest {

    private static final int BROADCASTS = 5;

    @RegisterExtension
    final Lab lab = new Lab();

    @Test
    void aHostOfNetworkBNeitherReachesNorHearsNetworkA() {
        Topology net = lab.topology(3);
        Host h1 = net.host(1);
        Host h2 = net.host(2);
        Host h3 = net.host(3);
        net.startSwitch(SwitchSetup.withNetworks(Network.named("a"), Network.named("b")));
        net.startVport(h1, Join.network("a"));
        net.startVport(h2, Join.network("a"));
        net.startVport(h3, Join.network("b"));
        h1.ping(h2.overlayIp(), 3).orFail();
        h2.ping(h1.overlayIp(), 3).orFail();

        long h2Before = h2.tapRxPackets();
        long h3Before = h3.tapRxPackets();
        Command.Result h1ToH3 = h1.ping(h3.overlayIp(), 3);
        Command.Result h3ToH1 = h3.ping(h1.overlayIp(), 3);
        h1.broadcastPing(BROADCASTS);
        long h2Received = h2.tapRxPackets() - h2Before;
        long h3Received = h3.tapRxPackets() - h3Before;
        System.out.printf("isolation: while h1 sent ARP requests for h3 and %d broadcast pings, h2 (network a)"
                + " received %d frames, h3 (network b) %d%n", BROADCASTS, h2Received, h3Received);

        assertFalse(h1ToH3.succeeded(), "h1 (network a) reached h3 (network b): " + h1ToH3);
        assertFalse(h3ToH1.succeeded(), "h3 (network b) reached h1 (network a): " + h3ToH1);
        // The control: h1's broadcasts did go out, and its own network got them.
        assertTrue(h2Received >= BROADCASTS, "h2, in h1's network, received only " + h2Received
                + " frames while h1 broadcast " + BROADCASTS + " pings and ARP requests, so the test proves nothing");
        assertEquals(0, h3Received, "h3's TAP received " + h3Received + " frames while only network a's hosts"
                + " sent anything (h2 received " + h2Received + "): frames leaked from network a into network b");
    }
}
