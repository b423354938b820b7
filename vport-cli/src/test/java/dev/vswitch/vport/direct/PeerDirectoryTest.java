package dev.vswitch.vport.direct;

import dev.vswitch.vport.link.LinkState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vswitch.protocol.Keepalive;
import dev.vswitch.protocol.noise.X25519;
import dev.vswitch.protocol.rendezvous.Rendezvous;
import dev.vswitch.vport.link.LinkCounters;
import dev.vswitch.vport.tap.MemoryTap;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The introduced peers, on an injected clock: the newest introduction of each key, newest first; a peer not introduced
 * again for 90 s is forgotten; a switch cannot grow the table past its bound; the endpoint report goes once a session and
 * only to a switch that introduces.
 */
class PeerDirectoryTest {

    private static final long SECOND = 1_000_000_000L;
    private final PeerDirectory directory = new PeerDirectory();

    @Test
    void theNewestIntroductionOfEachPeerIsListedNewestFirst() {
        directory.introduced(intro(1, 0x0201, 40001), 0);
        directory.introduced(intro(2, 0x0202, 40002), 5 * SECOND);
        directory.introduced(intro(1, 0x0201, 40011), 10 * SECOND); // it roamed
        List<LinkState.Peer> peers = directory.peers(12 * SECOND);
        assertEquals(2, peers.size());
        assertEquals(0x0201, peers.get(0).mac());
        assertEquals(40011, peers.get(0).observed().getPort());
        assertEquals(2, peers.get(0).sinceIntroduced().toSeconds());
        assertEquals(Base64.getEncoder().encodeToString(key(2)), peers.get(1).publicKey());
    }

    @Test
    void aPeerNotIntroducedAgainIsForgottenAndTheTableIsBounded() {
        directory.introduced(intro(1, 1, 40001), 0);
        assertEquals(1, directory.peers(PeerDirectory.FORGET_AFTER_NANOS).size());
        assertEquals(0, directory.peers(PeerDirectory.FORGET_AFTER_NANOS + 1).size());
        for (int i = 0; i < PeerDirectory.MAX_PEERS + 10; i++) {
            directory.introduced(intro(i, i, 40000 + i % 1000), SECOND);
        }
        assertEquals(PeerDirectory.MAX_PEERS, directory.peers(SECOND).size());
    }

    @Test
    void theEndpointReportGoesOnceASessionToASwitchThatIntroduces() {
        SecureRandom random = new SecureRandom();
        PeerKeys keys = new PeerKeys(X25519.generatePrivateKey(random), X25519.generatePrivateKey(random), "lab", random,
                Clock.systemUTC());
        Introductions introductions = new Introductions("vswtest", new DirectPaths(keys, new MemoryTap(), new LinkCounters(),
                System::nanoTime));
        Object session = new Object();
        InetSocketAddress local = new InetSocketAddress(40000);
        int[] reports = {0};
        introductions.reportIfDue(session, () -> local, 0, endpoints -> reports[0]++);
        assertEquals(0, reports[0], "not to a switch that never said it introduces");
        introductions.switchFlags(Keepalive.FLAG_RENDEZVOUS);
        introductions.reportIfDue(session, () -> local, 0, endpoints -> {
            reports[0]++;
            endpoints.forEach(endpoint -> {
                assertEquals(40000, endpoint.getPort());
                assertFalse(endpoint.getAddress().isLoopbackAddress(), endpoint.toString());
            });
            assertTrue(endpoints.size() <= Rendezvous.MAX_ENDPOINTS);
        });
        introductions.reportIfDue(session, () -> local, EndpointReport.RECHECK_NANOS, endpoints -> reports[0]++);
        assertEquals(1, reports[0], "once a session while this host's addresses stay the same");
        introductions.reportIfDue(new Object(), () -> null, EndpointReport.RECHECK_NANOS, endpoints -> {
            reports[0]++;
            assertEquals(List.of(), endpoints, "no socket address: no candidates");
        });
        assertEquals(2, reports[0], "again in a new session");
        assertFalse(introductions.introduced(null, 0), "a malformed introduction");
    }

    @Test
    void aChangedAddressIsReportedAgainWithinTheRecheckInterval() throws Exception {
        List<InetAddress> addresses = new ArrayList<>(List.of(InetAddress.getByName("198.18.0.7")));
        List<String> askedWithout = new ArrayList<>();
        EndpointReport report = new EndpointReport("vswtest", tap -> {
            askedWithout.add(tap);
            return List.copyOf(addresses);
        });
        report.switchIntroduces(true);
        Object session = new Object();
        InetSocketAddress local = new InetSocketAddress(40000);
        assertEquals(List.of(new InetSocketAddress("198.18.0.7", 40000)), report.due(session, () -> local, 0));
        assertEquals(List.of("vswtest"), askedWithout, "the TAP's own addresses are never candidates");

        addresses.add(InetAddress.getByName("198.18.1.7")); // e.g. a link that came up after the vport started
        long justBefore = EndpointReport.RECHECK_NANOS - 1;
        assertNull(report.due(session, () -> local, justBefore), "not looked at again before the interval");
        assertEquals(List.of(new InetSocketAddress("198.18.0.7", 40000), new InetSocketAddress("198.18.1.7", 40000)),
                report.due(session, () -> local, EndpointReport.RECHECK_NANOS));
        assertNull(report.due(session, () -> local, 2 * EndpointReport.RECHECK_NANOS), "unchanged: nothing to send");

        addresses.remove(0); // an address went away
        assertEquals(List.of(new InetSocketAddress("198.18.1.7", 40000)),
                report.due(session, () -> local, 3 * EndpointReport.RECHECK_NANOS));
        report.switchIntroduces(false);
        addresses.clear();
        assertNull(report.due(new Object(), () -> local, 4 * EndpointReport.RECHECK_NANOS),
                "never to a switch that does not introduce");
    }

    @Test
    void candidatesAreNeverLoopbackLinkLocalOrWildcard() throws Exception {
        assertFalse(EndpointReport.isCandidate(InetAddress.getByName("127.0.0.1")));
        assertFalse(EndpointReport.isCandidate(InetAddress.getByName("::1")));
        assertFalse(EndpointReport.isCandidate(InetAddress.getByName("fe80::1")));
        assertFalse(EndpointReport.isCandidate(InetAddress.getByName("169.254.1.1")));
        assertFalse(EndpointReport.isCandidate(InetAddress.getByName("0.0.0.0")));
        assertTrue(EndpointReport.isCandidate(InetAddress.getByName("198.18.0.1")));
        assertTrue(EndpointReport.isCandidate(InetAddress.getByName("2001:db8::1")));
    }

    private static Rendezvous.PeerIntro intro(int id, long mac, int port) {
        return new Rendezvous.PeerIntro(key(id), mac, new InetSocketAddress("198.18.0.1", port), List.of());
    }

    private static byte[] key(int id) {
        byte[] key = new byte[32];
        key[0] = (byte) id;
        key[1] = (byte) (id >> 8);
        return key;
    }
}
