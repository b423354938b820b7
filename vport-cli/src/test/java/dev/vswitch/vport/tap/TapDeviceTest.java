package dev.vswitch.vport.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vswitch.vport.it.RootRequirement;
import dev.vswitch.vport.values.Ipv4Cidr;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * A real TAP device through the binding this JVM chose (direct mapping, or the interface mapping when surefire runs
 * the class again with {@code vswitch.jna.binding=interface}): created, configured with the interface ioctls, and read.
 * The device lives only while its descriptor is open, so nothing of it stays on the host. Needs root.
 */
class TapDeviceTest {

    /** RFC 2544's benchmarking range, which no real network routes. */
    private static final String ADDRESS = "198.19.251.1/30";
    private static final String NEIGHBOUR = "198.19.251.2";
    private static final int ETHERTYPE_ARP = 0x0806;

    @Test
    void aConfiguredTapHandsOverTheArpRequestForItsNeighbour() throws Exception {
        RootRequirement.assumeRootWithTun();
        try (TapDevice tap = TapDevice.create("vsltest%d", false);
                InterfaceConfigurator config = InterfaceConfigurator.forInterface(tap.name());
                DatagramSocket socket = new DatagramSocket()) {
            assertTrue(tap.name().startsWith("vsltest"), tap.name());
            tap.setMtu(1400);
            config.setIpv4(Ipv4Cidr.parse(ADDRESS));
            config.bringUp();
            socket.send(new DatagramPacket(new byte[1], 1, InetAddress.getByName(NEIGHBOUR), 9));

            ByteBuffer frame = ByteBuffer.allocateDirect(2048);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (System.nanoTime() < deadline) {
                if (tap.awaitFrame(100) && tap.readNow(frame) > 0 && (frame.getShort(12) & 0xffff) == ETHERTYPE_ARP) {
                    assertEquals(config.hardwareAddress(), macAt(frame, 6), "sent from the TAP's own MAC");
                    return;
                }
            }
            fail("no ARP request for " + NEIGHBOUR + " came out of " + tap.name());
        }
    }

    @Test
    void anOffloadTapTakesTheOffloadRequest() {
        RootRequirement.assumeRootWithTun();
        try (TapDevice tap = TapDevice.create("vsltest%d", true)) {
            assertTrue(tap.offload());
            assertFalse(tap.awaitFrame(10), "a down TAP has nothing to read");
        }
    }

    private static long macAt(ByteBuffer frame, int offset) {
        long mac = 0;
        for (int i = 0; i < 6; i++) {
            mac = mac << 8 | (frame.get(offset + i) & 0xff);
        }
        return mac;
    }
}
