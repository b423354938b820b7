package dev.vswitch.server.secure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.Keepalive;
import dev.vswitch.server.SwitchService;
import dev.vswitch.switching.VirtualSwitch;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The switch's memory at scale: 1,000 vports, each a real secure session over loopback, and 100,000 MACs
 * learned from their frames. What that state adds to the heap (after a full GC, against the same switch before)
 * must stay under {@link #STATE_BUDGET_BYTES}, the figure the README documents. The whole heap depends on what
 * else ran in this test JVM, so it is printed, not checked.
 */
@QuarkusTest
@TestProfile(ScaleMemoryTest.ScaleProfile.class)
class ScaleMemoryTest {

    static final int PORTS = 1_000;
    static final int MACS_PER_PORT = 100;
    /** The documented heap for the state of 1,000 vports and 100,000 MACs (README, "Switch configuration"). */
    static final long STATE_BUDGET_BYTES = 32L << 20;
    private static final Duration INSPECT_TIMEOUT = Duration.ofSeconds(10);

    @Inject
    SwitchService switchService;

    /** A network of its own with room for exactly that many MACs, and handshakes as fast as the test can go. */
    public static final class ScaleProfile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "vswitch.networks.scale.key", "htC4ErsDOQZnAc0gb+75sGSV76sTkfOsWWBs0QoKT+Q=",
                    "vswitch.max-mac-entries", Integer.toString(PORTS * MACS_PER_PORT),
                    "vswitch.max-ports", Integer.toString(PORTS),
                    "vswitch.handshakes.load-threshold-per-second", "100000");
        }
    }

    @Test
    void thousandPortsAndHundredThousandMacsStayUnderTheDocumentedHeap() throws Exception {
        long idle = heapAfterGc();
        for (int port = 0; port < PORTS; port++) {
            joinAndLearn(port);
        }
        assertEquals(PORTS, inspect(lan -> lan.ports().size()), "every vport has its port");
        assertEquals(PORTS * MACS_PER_PORT, inspect(lan -> lan.macTable().size()), "every MAC is learned");

        long loaded = heapAfterGc();
        System.out.printf("switch with %d ports and %d MACs: heap after full GC %.1f MiB (idle %.1f MiB, +%.1f MiB);"
                        + " budget for that state %d MiB%n", PORTS, PORTS * MACS_PER_PORT, mib(loaded), mib(idle),
                mib(loaded - idle), STATE_BUDGET_BYTES >> 20);
        assertTrue(loaded - idle < STATE_BUDGET_BYTES, "1,000 ports and 100,000 MACs take " + mib(loaded - idle)
                + " MiB of heap, more than the documented " + (STATE_BUDGET_BYTES >> 20) + " MiB");
    }

    /**
     * One vport: a handshake (its keepalive teaches the switch its MAC), then frames from 99 more MACs, all
     * addressed to its own MAC so the switch learns them and sends nothing back. A keepalive round trip at the
     * end proves the switch has read them all before the next vport starts.
     */
    private void joinAndLearn(int port) throws Exception {
        long base = 0x02_00_00_00_00_00L | ((long) port << 8);
        try (SecureClient client = SecureClient.joined(switchService.udpPort(), "scale", base)) {
            for (int i = 1; i < MACS_PER_PORT; i++) {
                ByteBuffer frame = ByteBuffer.allocate(EthernetFrame.HEADER_LENGTH + 46);
                EthernetFrame.writeMac(frame, EthernetFrame.DESTINATION_OFFSET, base);
                EthernetFrame.writeMac(frame, EthernetFrame.SOURCE_OFFSET, base + i);
                frame.putShort(EthernetFrame.ETHER_TYPE_OFFSET, (short) 0x0800);
                client.sendFrame(frame.array());
            }
            ByteBuffer keepalive = ByteBuffer.allocate(Keepalive.LENGTH);
            Keepalive.writeRequest(keepalive, base);
            client.sendFrame(keepalive.array());
            byte[] reply = client.receiveFrame();
            assertEquals(Keepalive.REPLY, Keepalive.kind(ByteBuffer.wrap(reply), 0, reply.length));
        }
    }

    private int inspect(Function<VirtualSwitch<?>, Integer> query) throws Exception {
        return switchService.inspect("scale", query, INSPECT_TIMEOUT);
    }

    private static long heapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }
}
