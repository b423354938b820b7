package dev.vswitch.server;

import dev.vswitch.protocol.MacAddress;
import dev.vswitch.server.secure.SecureClient;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The test profile configures networks lab, office and closed: network "default" must still be there, and its
 * vports must still reach each other, isolated from the configured networks.
 */
@QuarkusTest
class DefaultNetworkTest {

    @Inject
    SwitchService switchService;

    @Test
    void defaultIsKeptBesideTheConfiguredNetworks() {
        assertTrue(switchService.networks().containsAll(List.of("default", "lab", "office", "closed")),
                switchService.networks().toString());
    }

    @Test
    void vportsOnDefaultStillForwardAndStayApartFromLab() throws Exception {
        try (SecureClient a = SecureClient.joined(switchService.udpPort(), "default", 0x02_00_00_00_50_01L);
             SecureClient b = SecureClient.joined(switchService.udpPort(), "default", 0x02_00_00_00_50_02L);
             SecureClient onLab = SecureClient.joined(switchService.udpPort(), "lab", 0x02_00_00_00_50_03L)) {
            byte[] unicast = a.frameTo(b.mac, 200);
            a.sendFrame(unicast);
            assertArrayEquals(unicast, b.receiveFrame(), "b got a's frame");
            byte[] broadcast = a.frameTo(MacAddress.BROADCAST, 60);
            a.sendFrame(broadcast);
            assertArrayEquals(broadcast, b.receiveFrame(), "b got a's broadcast");
            assertTrue(onLab.staysSilent(), "nothing crosses from default into lab");
        }
    }
}
