package dev.vswitch.server.secure;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vswitch.protocol.keys.JoinToken;
import dev.vswitch.protocol.noise.X25519;
import dev.vswitch.server.SwitchService;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Issue 18's flood: 128 loopback addresses that answer cookies send initiations with valid mac1 and junk inside, well
 * above what the switch can decrypt, for 10 s, while an established pair of clients exchanges frames through the switch
 * and a new client joins. Only survival is asserted (the session carries frames throughout, the join completes); the
 * round-trip times and the join time are printed for bench/RESULTS.md, never asserted, since they depend on the machine.
 */
@QuarkusTest
class HandshakeFloodTest {

    private static final AtomicLong MACS = new AtomicLong(0x02_00_00_00_70_00L); // MACs of its own: a vport keeps its MAC 20 s
    private static final Duration FLOOD = Duration.ofSeconds(10);
    private static final int SOURCES = 128;
    private static final int PER_SECOND = 20_000;
    private static final int LOST_AFTER_MILLIS = 1000;

    @Inject
    SwitchService switchService;

    @Test
    void establishedSessionsKeepFlowingAndNewcomersGetInDuringAFloodOfJunkInitiations() throws Exception {
        SecureCounters counters = switchService.secureCounters();
        long[] before = handshakeCounts(counters);
        long rcvbufErrorsBefore = udpReceiveBufferErrors();
        JoinToken lab = SecureClient.token("lab");
        List<Long> roundTrips = new ArrayList<>();
        long joinNanos;
        boolean joinedDuringFlood = false;
        try (SecureClient a = join(); SecureClient b = join();
             HandshakeFlood flood = new HandshakeFlood(switchService.udpPort(), lab.switchPublicKey(), a.lastInitiation,
                     SOURCES, PER_SECOND, PER_SECOND * FLOOD.toSeconds(), FLOOD.toNanos())) {
            flood.start();
            long end = System.nanoTime() + FLOOD.toNanos();
            joinNanos = -1;
            long joinAt = System.nanoTime() + FLOOD.toNanos() / 2;
            while (System.nanoTime() < end) {
                roundTrips.add(roundTrip(a, b));
                if (joinNanos < 0 && System.nanoTime() >= joinAt) {
                    joinNanos = timeToJoin(Duration.ofSeconds(30));
                    joinedDuringFlood = joinNanos > 0 && System.nanoTime() < end;
                }
            }
            flood.close();
            byte[] after = a.frameTo(b.mac, 300);
            a.sendFrame(after);
            assertTrue(arrives(b, after), "the established session survived the flood");
            long[] counts = handshakeCounts(counters);
            StringBuilder results = new StringBuilder();
            for (HandshakeResult result : HandshakeResult.values()) {
                long delta = counts[result.ordinal()] - before[result.ordinal()];
                if (delta > 0) {
                    results.append(' ').append(result.label()).append('=').append(delta);
                }
            }
            System.out.printf("FLOOD sent=%d in %d s from %d sources (%d cookies answered); switch:%s; kernel UdpRcvbufErrors +%d%n",
                    flood.sent(), FLOOD.toSeconds(), SOURCES, flood.cookiesAnswered(), results,
                    udpReceiveBufferErrors() - rcvbufErrorsBefore);
        }
        long lost = roundTrips.stream().filter(rtt -> rtt < 0).count();
        long[] sorted = roundTrips.stream().mapToLong(Long::longValue).filter(rtt -> rtt >= 0).sorted().toArray();
        assertTrue(sorted.length > 0, "no frame made it through the switch during the flood");
        System.out.printf("FLOOD round trips through the switch: n=%d lost=%d p50=%.2f ms p99=%.2f ms max=%.2f ms; a new"
                        + " client joined in %.0f ms%n", sorted.length, lost, sorted[sorted.length / 2] / 1e6,
                sorted[(int) (sorted.length * 0.99)] / 1e6, sorted[sorted.length - 1] / 1e6, joinNanos / 1e6);
        assertTrue(joinNanos > 0, "the new client joined");
        // Not a timing target: before handshakes left the event loop, 5 of 6 round trips were lost (the kernel dropped
        // 164,566 datagrams at the switch's socket) and the join took 7.7 s; after, 1 of 4,579.
        assertTrue(lost * 10 < roundTrips.size(), lost + " of " + roundTrips.size() + " round trips lost during the flood");
        assertTrue(joinedDuringFlood, "the join completed while the flood still ran, not after it");
    }

    /**
     * One frame from a to b and one back, each through the switch; nanoseconds, or -1 when one of them was lost (within
     * {@link #LOST_AFTER_MILLIS}). Frames that come late, from an earlier lost round, are skipped.
     */
    private static long roundTrip(SecureClient a, SecureClient b) throws IOException {
        long start = System.nanoTime();
        byte[] there = a.frameTo(b.mac, 100);
        a.sendFrame(there);
        if (!arrives(b, there)) {
            return -1;
        }
        byte[] back = b.frameTo(a.mac, 100);
        b.sendFrame(back);
        return arrives(a, back) ? System.nanoTime() - start : -1;
    }

    private static boolean arrives(SecureClient to, byte[] frame) throws IOException {
        long deadline = System.nanoTime() + LOST_AFTER_MILLIS * 1_000_000L;
        byte[] received;
        do {
            received = to.receiveFrameWithin(LOST_AFTER_MILLIS);
        } while (received != null && !Arrays.equals(received, frame) && System.nanoTime() < deadline);
        return received != null && Arrays.equals(received, frame);
    }

    /** How long a new client takes to complete a handshake, trying again as a vport does when one goes unanswered. */
    private long timeToJoin(Duration limit) throws IOException {
        long start = System.nanoTime();
        while (System.nanoTime() - start < limit.toNanos()) {
            try (SecureClient newcomer = new SecureClient(switchService.udpPort(), SecureClient.token("lab"),
                    X25519.generatePrivateKey(new SecureRandom()),
                    MACS.incrementAndGet())) {
                newcomer.handshake();
                return System.nanoTime() - start;
            } catch (AssertionError unanswered) {
                // dropped in the flood: a vport would try again with a new initiation
            }
        }
        return -1;
    }

    private SecureClient join() throws IOException {
        return SecureClient.joined(switchService.udpPort(), "lab", MACS.incrementAndGet());
    }

    private static long[] handshakeCounts(SecureCounters counters) {
        return Arrays.stream(HandshakeResult.values()).mapToLong(counters::handshakes).toArray();
    }

    /** The kernel's count of UDP datagrams dropped for a full receive buffer (all sockets), or -1 where unreadable. */
    private static long udpReceiveBufferErrors() throws IOException {
        Path snmp = Path.of("/proc/net/snmp");
        if (!Files.isReadable(snmp)) {
            return -1;
        }
        List<String> udp = Files.readAllLines(snmp).stream().filter(line -> line.startsWith("Udp:")).toList();
        List<String> names = List.of(udp.get(0).split("\\s+"));
        return Long.parseLong(udp.get(1).split("\\s+")[names.indexOf("RcvbufErrors")]);
    }
}
