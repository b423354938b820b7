package dev.vswitch.server.secure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vswitch.protocol.noise.X25519;
import dev.vswitch.server.SwitchService;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The switch on its default host {@code ::}: one socket takes IPv6 and IPv4 clients, which join one network and
 * exchange frames, each answered in its own family.
 */
@QuarkusTest
@TestProfile(DualStackTest.EveryAddress.class)
class DualStackTest {

    /** The switch as it starts without a vswitch.host: bound to every address of both families. */
    public static class EveryAddress implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("vswitch.host", "::");
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    SwitchService switchService;

    @Test
    void anIpv4AndAnIpv6ClientShareANetworkThroughOneSocket() throws Exception {
        try (SecureClient overIpv4 = client(InetAddress.getByName("127.0.0.1"), 0x02_00_00_00_60_01L);
             SecureClient overIpv6 = client(InetAddress.getByName("::1"), 0x02_00_00_00_60_02L)) {
            overIpv4.handshake();
            overIpv6.handshake();
            byte[] there = overIpv4.frameTo(overIpv6.mac, 200);
            overIpv4.sendFrame(there);
            assertArrayEquals(there, overIpv6.receiveFrame(), "IPv4 to IPv6");
            byte[] back = overIpv6.frameTo(overIpv4.mac, 200);
            overIpv6.sendFrame(back);
            assertArrayEquals(back, overIpv4.receiveFrame(), "IPv6 to IPv4");
        }
        assertEquals("[::]", switchService.udpHost());
    }

    private SecureClient client(InetAddress loopback, long mac) throws Exception {
        return new SecureClient(loopback, switchService.udpPort(), SecureClient.token("lab"),
                X25519.generatePrivateKey(RANDOM), mac);
    }
}
