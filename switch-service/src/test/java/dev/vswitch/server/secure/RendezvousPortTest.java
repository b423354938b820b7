package dev.vswitch.server.secure;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vswitch.protocol.Keepalive;
import dev.vswitch.protocol.MacAddress;
import dev.vswitch.protocol.noise.X25519;
import dev.vswitch.protocol.rendezvous.Rendezvous;
import dev.vswitch.server.SwitchService;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Rendezvous on the running switch, with real UDP clients on loopback: the keepalive reply says whether the network
 * introduces its vports; two vports that reported their endpoints are introduced to each other, once, when unicast
 * flows between them, each told the other's key, MAC, endpoint as the switch sees it and reported endpoints; a vport
 * that reported none, and a network with direct paths off, are never introduced.
 */
@QuarkusTest
class RendezvousPortTest {

    private static final AtomicLong MACS = new AtomicLong(0x02_00_00_00_80_00L); // its own: a vport keeps its MAC 20 s

    @Inject
    SwitchService switchService;

    @Test
    void twoVportsWithUnicastBetweenThemAreIntroducedOnce() throws Exception {
        try (SecureClient a = join("lab"); SecureClient b = join("lab")) {
            assertTrue(introduces(a), "network lab introduces its vports");
            List<InetSocketAddress> aLocal = List.of(endpoint("198.18.0.10", 40001), endpoint("2001:db8::10", 40001));
            List<InetSocketAddress> bLocal = List.of(endpoint("198.18.0.20", 40002));
            a.sendFrame(endpoints(a, aLocal));
            b.sendFrame(endpoints(b, bLocal));
            b.sendFrame(b.frameTo(MacAddress.BROADCAST, 60)); // the switch learns b's MAC
            a.receiveFrame();
            long introduced = introductions();

            byte[] unicast = a.frameTo(b.mac, 100);
            a.sendFrame(unicast);
            assertArrayEquals(unicast, b.receiveFrame(), "the frame goes through the switch as ever");
            assertIntroduced(b.receiveFrame(), a, aLocal);
            assertIntroduced(a.receiveFrame(), b, bLocal);
            assertEquals(introduced + 1, introductions());

            byte[] answer = b.frameTo(a.mac, 100);
            b.sendFrame(answer);
            assertArrayEquals(answer, a.receiveFrame());
            a.sendFrame(a.frameTo(b.mac, 100));
            b.receiveFrame();
            assertTrue(a.staysSilent() && b.staysSilent(), "a pair is introduced once while its unicast flows");
            assertEquals(introduced + 1, introductions());
        }
    }

    @Test
    void aVportThatReportedNoEndpointsIsNeverIntroduced() throws Exception {
        try (SecureClient a = join("lab"); SecureClient legacy = join("lab")) {
            a.sendFrame(endpoints(a, List.of(endpoint("198.18.0.30", 40003))));
            legacy.sendFrame(legacy.frameTo(MacAddress.BROADCAST, 60));
            a.receiveFrame();
            a.sendFrame(a.frameTo(legacy.mac, 100));
            legacy.receiveFrame();
            assertTrue(a.staysSilent() && legacy.staysSilent(), "an older vport is never told of peers");
        }
    }

    @Test
    void aNetworkWithDirectPathsOffIntroducesNobody() throws Exception {
        try (SecureClient a = join("office"); SecureClient b = join("office")) {
            assertTrue(!introduces(a), "the keepalive reply does not offer rendezvous");
            a.sendFrame(endpoints(a, List.of(endpoint("198.18.0.40", 40004))));
            b.sendFrame(endpoints(b, List.of(endpoint("198.18.0.41", 40005))));
            b.sendFrame(b.frameTo(MacAddress.BROADCAST, 60));
            a.receiveFrame();
            a.sendFrame(a.frameTo(b.mac, 100));
            b.receiveFrame();
            assertTrue(a.staysSilent() && b.staysSilent());
        }
    }

    @Test
    void malformedOrMisdirectedRendezvousMessagesAreCountedNotForwarded() throws Exception {
        try (SecureClient a = join("lab"); SecureClient b = join("lab")) {
            long malformed = malformed();
            ByteBuffer message = ByteBuffer.allocate(200);
            Rendezvous.writeEndpoints(message, a.mac, List.of(endpoint("198.18.0.50", 40006)));
            byte[] cut = new byte[message.limit() - 1];
            message.get(cut);
            a.sendFrame(cut);
            Rendezvous.writePeer(message, b.mac, new Rendezvous.PeerIntro(new byte[32], a.mac,
                    endpoint("198.18.0.50", 40006), List.of()));
            byte[] peer = new byte[message.limit()];
            message.get(peer);
            a.sendFrame(peer); // only the switch introduces
            assertTrue(b.staysSilent(), "neither reaches another vport");
            assertEquals(malformed + 2, malformed());
        }
    }

    @Test
    void pathReportsMoveTheLansDirectPathCounters() throws Exception {
        try (SecureClient a = join("lab"); SecureClient b = join("lab")) {
            long[] before = directCounters();
            a.sendFrame(paths(a, new Rendezvous.PathReport(1, 1, 0, 0)));
            b.sendFrame(paths(b, new Rendezvous.PathReport(1, 1, 2, 0)));
            awaitDirectCounters("two punches went direct, two went unanswered, one path is up",
                    before[0] + 2, before[1] + 2, before[2], before[3] + 1);

            a.sendFrame(paths(a, new Rendezvous.PathReport(0, 1, 0, 1)));
            awaitDirectCounters("the path lost, and counted once", before[0] + 2, before[1] + 2, before[2] + 1, before[3]);
            a.sendFrame(paths(a, new Rendezvous.PathReport(0, 0, 1, 0))); // a vport that started over
            awaitDirectCounters("a restarted vport's report counted from zero",
                    before[0] + 2, before[1] + 3, before[2] + 1, before[3]);

            long malformed = malformed();
            byte[] cut = paths(a, new Rendezvous.PathReport(1, 9, 9, 9));
            a.sendFrame(Arrays.copyOf(cut, cut.length - 1));
            assertEquals(malformed + 1, malformed());
            assertEquals(before[0] + 2, directCounters()[0], "a malformed report counts nothing");
            assertTrue(b.staysSilent(), "reports are for the switch alone");
        }
    }

    /** Waits for the switch's sweep to show {@code expected} (see {@link #directCounters}). */
    private void awaitDirectCounters(String why, long... expected) {
        await(why).atMost(Duration.ofSeconds(10)).until(() -> Arrays.equals(directCounters(), expected));
    }

    /** Punched direct, unanswered, lost, and direct paths now. */
    private long[] directCounters() throws TimeoutException {
        return switchService.inspectSecure(port -> new long[] {port.counters().punchedDirect(),
                port.counters().punchedUnanswered(), port.counters().directLost(), port.counters().directPaths()},
                Duration.ofSeconds(2));
    }

    /** Sends a keepalive request and reads whether the reply carries the rendezvous flag. */
    private static boolean introduces(SecureClient client) throws Exception {
        client.sendFrame(client.keepaliveRequest());
        byte[] reply = client.receiveFrame();
        return (Keepalive.flagsOf(ByteBuffer.wrap(reply), 0, reply.length) & Keepalive.FLAG_RENDEZVOUS) != 0;
    }

    private static void assertIntroduced(byte[] message, SecureClient about, List<InetSocketAddress> local) {
        ByteBuffer frame = ByteBuffer.wrap(message);
        assertEquals(Rendezvous.PEER, Rendezvous.kind(frame, 0, message.length), "a peer message");
        Rendezvous.PeerIntro intro = Rendezvous.readPeer(frame, 0, message.length);
        assertNotNull(intro);
        assertArrayEquals(X25519.publicKey(about.privateKey), intro.publicKey());
        assertEquals(about.mac, intro.mac());
        assertEquals(about.localAddress(), intro.observed(), "where the switch sees it");
        assertEquals(local, intro.local());
    }

    private static byte[] paths(SecureClient client, Rendezvous.PathReport report) {
        ByteBuffer message = ByteBuffer.allocate(Rendezvous.PATHS_LENGTH);
        Rendezvous.writePaths(message, client.mac, report);
        return message.array();
    }

    private static byte[] endpoints(SecureClient client, List<InetSocketAddress> endpoints) {
        ByteBuffer message = ByteBuffer.allocate(200);
        Rendezvous.writeEndpoints(message, client.mac, endpoints);
        byte[] bytes = new byte[message.limit()];
        message.get(bytes);
        return bytes;
    }

    private long introductions() throws TimeoutException {
        return switchService.inspectSecure(port -> port.counters().introductions(), Duration.ofSeconds(2));
    }

    private long malformed() throws TimeoutException {
        return switchService.inspectSecure(port -> port.counters().drops(PacketDrop.MALFORMED), Duration.ofSeconds(2));
    }

    private SecureClient join(String network) throws Exception {
        return SecureClient.joined(switchService.udpPort(), network, MACS.incrementAndGet());
    }

    private static InetSocketAddress endpoint(String ip, int port) throws UnknownHostException {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }
}
