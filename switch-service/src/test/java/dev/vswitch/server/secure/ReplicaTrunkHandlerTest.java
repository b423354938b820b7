package dev.vswitch.server.secure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.vswitch.protocol.wire.WireFormat;
import dev.vswitch.server.cluster.ClusterCounters;
import dev.vswitch.server.cluster.LinkState;
import dev.vswitch.server.cluster.TrunkHandshake;
import dev.vswitch.server.udp.RecordingPort;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Trunks between two replicas in one test, through their handlers and a simulated network: admission, replay and
 * self detection, without servers, sockets or sleeps. (ReplicaTrunkTest checks the same with real Quarkus replicas.)
 */
class ReplicaTrunkHandlerTest {

    private static final InetSocketAddress ALICE = new InetSocketAddress("198.18.0.1", 40001);
    private static final InetSocketAddress BOB = new InetSocketAddress("198.18.0.2", 40002);
    private static final InetSocketAddress MALLORY = new InetSocketAddress("198.18.0.66", 40066);

    private final ReplicaPair replicas = new ReplicaPair().connected();

    @Test
    void framesCrossTheTrunkBetweenVportsOfDifferentReplicas() {
        assertFramesCross();
    }

    @Test
    void aReplicaThatFindsItselfInThePeerListStopsDialingIt() {
        InProcessSwitch alone = InProcessSwitch.replicaOf(InProcessSwitch.keyProperties(), "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3I=");
        InetSocketAddress itself = new InetSocketAddress("198.18.0.100", 9999);
        alone.discovered(itself);
        ClusterCounters counters = alone.handler.mesh().counters();
        for (int second = 0; second < 3 && counters.handshakes(TrunkHandshake.SELF) == 0; second++) {
            alone.advance(Duration.ofSeconds(1));
            alone.port.takeSentTo(itself).forEach(datagram -> alone.receive(datagram, itself)); // as the kernel delivers it
        }
        assertEquals(LinkState.SELF, ReplicaPair.onlyLink(alone).state());
        long initiated = counters.handshakes(TrunkHandshake.INITIATED);

        alone.advance(Duration.ofSeconds(30));

        assertEquals(initiated, counters.handshakes(TrunkHandshake.INITIATED), "itself is not dialed again");
        assertEquals(List.of(), alone.port.takeSentTo(itself));
    }

    @Test
    void aCapturedTrunkInitiationIsRefusedFromAnyAddress() {
        byte[] initiation = firstInitiation(ReplicaPair.SECOND_ADDRESS);
        ClusterCounters counters = replicas.second.handler.mesh().counters();
        long accepted = counters.handshakes(TrunkHandshake.ACCEPTED);

        replicas.second.receive(initiation, MALLORY);
        replicas.second.receive(initiation, ReplicaPair.FIRST_ADDRESS);

        assertEquals(2, counters.handshakes(TrunkHandshake.REPLAYED));
        assertEquals(accepted, counters.handshakes(TrunkHandshake.ACCEPTED));
        assertEquals(List.of(), replicas.second.port.takeSentTo(MALLORY), "no response to the attacker");
        assertEquals(1, replicas.second.handler.mesh().links().size(), "no link to the attacker's address");
    }

    /**
     * Finding 2 of issue 18, with the source forged too: while a replica rekeys, a copy of its initiation in flight comes
     * back to it "from" the very address it dialed.
     */
    @Test
    void aReplicasOwnInitiationReflectedFromItsPeersAddressDoesNotCutALiveTrunk() {
        replicas.advance(Duration.ofSeconds(WireFormat.REKEY_AFTER_SECONDS - 5));
        InProcessSwitch dialer = null;
        byte[] inFlight = null;
        for (int second = 0; second < 10 && inFlight == null; second++) {
            replicas.first.advance(Duration.ofSeconds(1));
            replicas.second.advance(Duration.ofSeconds(1));
            inFlight = withholdInitiation(replicas.first, ReplicaPair.FIRST_ADDRESS, replicas.second, ReplicaPair.SECOND_ADDRESS);
            dialer = replicas.first;
            if (inFlight == null) {
                inFlight = withholdInitiation(replicas.second, ReplicaPair.SECOND_ADDRESS, replicas.first, ReplicaPair.FIRST_ADDRESS);
                dialer = replicas.second;
            }
            replicas.exchange();
        }
        assertNotNull(inFlight, "a replica rekeyed");
        InetSocketAddress dialed = dialer == replicas.first ? ReplicaPair.SECOND_ADDRESS : ReplicaPair.FIRST_ADDRESS;

        dialer.receive(inFlight, dialed);
        assertEquals(LinkState.UP, ReplicaPair.onlyLink(dialer).state(), "not taken for the replica itself, not even for a moment");
        replicas.advance(Duration.ofSeconds(5));

        assertEquals(LinkState.UP, ReplicaPair.onlyLink(dialer).state());
        assertEquals(0, dialer.handler.mesh().counters().links(LinkState.SELF));
        assertFramesCross();
    }

    /** Delivers what {@code from} sent {@code to}, except an initiation, which is returned instead (or null). */
    private static byte[] withholdInitiation(InProcessSwitch from, InetSocketAddress fromAddress, InProcessSwitch to,
                                             InetSocketAddress toAddress) {
        byte[] withheld = null;
        for (byte[] datagram : from.port.takeSentTo(toAddress)) {
            if (datagram[0] == WireFormat.TYPE_INITIATION && withheld == null) {
                withheld = datagram;
            } else {
                to.receive(datagram, fromAddress);
            }
        }
        return withheld;
    }

    @Test
    void aTrunkThatFallsSilentGoesDownAndComesBackWhenHeardAgain() {
        replicas.first.advance(Duration.ofSeconds(5)); // the second replica's keepalives do not arrive
        replicas.second.port.takeAll();
        assertEquals(LinkState.DOWN, ReplicaPair.onlyLink(replicas.first).state());

        replicas.advance(Duration.ofSeconds(5));

        assertEquals(LinkState.UP, ReplicaPair.onlyLink(replicas.first).state());
        assertFramesCross();
    }

    private void assertFramesCross() {
        InProcessVport alice = new InProcessVport(replicas.first, "lab", 0x02_00_00_00_10_01L, ALICE).join();
        InProcessVport bob = new InProcessVport(replicas.second, "lab", 0x02_00_00_00_10_02L, BOB).join();
        byte[] frame = alice.frameTo(bob.mac, 300);
        alice.send(frame);
        replicas.exchange();
        List<byte[]> received = bob.receivedFrames();
        assertEquals(1, received.size(), "the frame crossed the trunk once");
        assertArrayEquals(frame, received.get(0));
    }

    /** The first trunk initiation sent to {@code to}, as captured on the network. */
    private byte[] firstInitiation(InetSocketAddress to) {
        return replicas.trunkTraffic.stream()
                .filter(sent -> sent.to().equals(to) && sent.bytes()[0] == WireFormat.TYPE_INITIATION)
                .map(RecordingPort.Sent::bytes).findFirst().orElseThrow();
    }
}
