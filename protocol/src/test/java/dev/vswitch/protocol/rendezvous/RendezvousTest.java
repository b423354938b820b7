package dev.vswitch.protocol.rendezvous;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.Keepalive;
import dev.vswitch.protocol.MacAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The rendezvous messages: both round-trip with endpoints of both families; they are told apart from keepalives and
 * frames; truncated, padded and random ones read as malformed (null), never as something else and never by throwing.
 */
class RendezvousTest {

    private static final long VPORT = 0x02_00_00_00_00_01L;
    private static final long OTHER = 0x02_00_00_00_00_02L;
    private final ByteBuffer buffer = ByteBuffer.allocate(1600);

    @Test
    void endpointsRoundTripAndAreNeitherAKeepaliveNorAFrame() throws UnknownHostException {
        List<InetSocketAddress> endpoints = List.of(endpoint("198.18.0.2", 40000), endpoint("2001:db8::7", 40000),
                endpoint("::ffff:198.18.0.9", 1));
        Rendezvous.writeEndpoints(buffer, VPORT, endpoints);
        int length = buffer.limit();
        assertEquals(Rendezvous.ENDPOINTS, Rendezvous.kind(buffer, 0, length));
        assertEquals(0, Keepalive.kind(buffer, 0, length), "not a keepalive");
        assertEquals(MacAddress.ZERO, EthernetFrame.destination(buffer, 0), "to no host, as a keepalive request");
        assertEquals(VPORT, EthernetFrame.source(buffer, 0));
        assertEquals(endpoints, Rendezvous.readEndpoints(buffer, 0, length));
    }

    @Test
    void aPeerRoundTrips() throws UnknownHostException {
        byte[] key = new byte[32];
        new Random(22).nextBytes(key);
        Rendezvous.PeerIntro peer = new Rendezvous.PeerIntro(key, OTHER, endpoint("198.19.5.1", 61000),
                List.of(endpoint("10.1.2.3", 51820), endpoint("fe80::1", 51820)));
        Rendezvous.writePeer(buffer, VPORT, peer);
        int length = buffer.limit();
        assertEquals(Rendezvous.PEER, Rendezvous.kind(buffer, 0, length));
        assertEquals(VPORT, EthernetFrame.destination(buffer, 0));
        Rendezvous.PeerIntro read = Rendezvous.readPeer(buffer, 0, length);
        assertArrayEquals(key, read.publicKey());
        assertEquals(OTHER, read.mac());
        assertEquals(peer.observed(), read.observed());
        assertEquals(peer.local(), read.local());
        Rendezvous.writePeer(buffer, VPORT, new Rendezvous.PeerIntro(key, OTHER, peer.observed(), List.of()));
        assertEquals(List.of(), Rendezvous.readPeer(buffer, 0, buffer.limit()).local(), "no local endpoints");
    }

    @Test
    void aPathReportRoundTripsItsCountersModulo2To32AndAnyOtherLengthIsMalformed() {
        Rendezvous.PathReport report = new Rendezvous.PathReport(3, 7, (1L << 32) + 5, 0xFFFF_FFFFL);
        Rendezvous.writePaths(buffer, VPORT, report);
        int length = buffer.limit();
        assertEquals(Rendezvous.PATHS_LENGTH, length);
        assertEquals(Rendezvous.PATHS, Rendezvous.kind(buffer, 0, length));
        assertEquals(VPORT, EthernetFrame.source(buffer, 0));
        assertEquals(0, Keepalive.kind(buffer, 0, length), "not a keepalive");
        assertEquals(new Rendezvous.PathReport(3, 7, 5, 0xFFFF_FFFFL), Rendezvous.readPaths(buffer, 0, length));
        assertNull(Rendezvous.readPaths(buffer, 0, length - 1));
        assertNull(Rendezvous.readPaths(buffer.limit(length + 1), 0, length + 1));
    }

    @Test
    void keepalivesAndFramesAreNotRendezvous() {
        Keepalive.writeRequest(buffer, VPORT);
        assertEquals(0, Rendezvous.kind(buffer, 0, buffer.limit()));
        Keepalive.writeProbe(buffer, VPORT, 200);
        assertEquals(0, Rendezvous.kind(buffer, 0, buffer.limit()));
        byte[] frame = new byte[60];
        frame[12] = 0x08;
        assertEquals(0, Rendezvous.kind(ByteBuffer.wrap(frame), 0, frame.length));
    }

    @Test
    void malformedMessagesReadAsNull() throws UnknownHostException {
        Rendezvous.writeEndpoints(buffer, VPORT, List.of(endpoint("198.18.0.2", 40000)));
        int length = buffer.limit();
        for (int cut = Keepalive.LENGTH; cut < length; cut++) {
            assertNull(Rendezvous.readEndpoints(buffer, 0, cut), "cut at " + cut);
        }
        assertNull(Rendezvous.readEndpoints(buffer, 0, length + 1), "a byte too many");
        buffer.put(Keepalive.LENGTH + 1, (byte) 5);
        assertNull(Rendezvous.readEndpoints(buffer, 0, length), "family 5");
        buffer.put(Keepalive.LENGTH, (byte) (Rendezvous.MAX_ENDPOINTS + 1));
        assertNull(Rendezvous.readEndpoints(buffer, 0, length), "too many endpoints");

        Random random = new Random(7);
        Rendezvous.writeEndpoints(buffer, VPORT, List.of());
        for (int i = 0; i < 5000; i++) {
            int size = Keepalive.LENGTH + random.nextInt(120);
            byte[] body = new byte[size - Keepalive.LENGTH];
            random.nextBytes(body);
            buffer.clear();
            buffer.position(Keepalive.LENGTH);
            buffer.put(body);
            Rendezvous.readEndpoints(buffer, 0, size); // null or a list: never throws
            Rendezvous.readPeer(buffer, 0, size);
        }
    }

    private static InetSocketAddress endpoint(String ip, int port) throws UnknownHostException {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }
}
