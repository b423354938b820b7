package dev.vswitch.server.secure;

import dev.vswitch.protocol.keys.Keys;
import dev.vswitch.server.cluster.LinkState;
import dev.vswitch.server.cluster.TrunkLink;
import dev.vswitch.server.udp.RecordingPort;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Two in-process replicas of one cluster and the network between them: what one sends to the other's address is
 * delivered to it ({@link #exchange}), and recorded, so a test can replay or tamper with trunk traffic.
 */
final class ReplicaPair {

    static final InetSocketAddress FIRST_ADDRESS = new InetSocketAddress("198.18.0.100", 9999);
    static final InetSocketAddress SECOND_ADDRESS = new InetSocketAddress("198.18.0.101", 9999);

    final InProcessSwitch first;
    final InProcessSwitch second;
    /** Every datagram that went from one replica to the other, in order. */
    final List<RecordingPort.Sent> trunkTraffic = new ArrayList<>();

    ReplicaPair() {
        Map<String, String> keys = InProcessSwitch.keyProperties();
        byte[] secret = new byte[32];
        InProcessSwitch.RANDOM.nextBytes(secret);
        first = InProcessSwitch.replicaOf(keys, Keys.encode(secret));
        second = InProcessSwitch.replicaOf(keys, Keys.encode(secret));
        first.discovered(SECOND_ADDRESS);
        second.discovered(FIRST_ADDRESS);
    }

    /** Brings the trunk up: a few seconds of dials, answers and keepalives. */
    ReplicaPair connected() {
        for (int second = 0; second < 3 && !up(); second++) {
            advance(Duration.ofSeconds(1));
        }
        if (!up()) {
            throw new AssertionError("the trunk did not come up");
        }
        return this;
    }

    boolean up() {
        return upLinks(first) == 1 && upLinks(second) == 1;
    }

    static long upLinks(InProcessSwitch replica) {
        return replica.handler.mesh().links().stream().filter(link -> link.state() == LinkState.UP).count();
    }

    static TrunkLink onlyLink(InProcessSwitch replica) {
        List<TrunkLink> links = new ArrayList<>(replica.handler.mesh().links());
        if (links.size() != 1) {
            throw new AssertionError("expected one link, got " + links.size());
        }
        return links.get(0);
    }

    /** Time passes on both replicas, and what they send each other arrives. */
    void advance(Duration time) {
        for (long ms = 0; ms < time.toMillis(); ms += 1000) {
            first.advance(Duration.ofMillis(Math.min(1000, time.toMillis() - ms)));
            second.advance(Duration.ofMillis(Math.min(1000, time.toMillis() - ms)));
            exchange();
        }
    }

    /** Delivers what each replica sent the other, and what that caused, until nothing more is in flight. */
    void exchange() {
        boolean moved = true;
        for (int round = 0; moved && round < 100; round++) {
            moved = deliver(first, FIRST_ADDRESS, second, SECOND_ADDRESS)
                    | deliver(second, SECOND_ADDRESS, first, FIRST_ADDRESS);
        }
    }

    private boolean deliver(InProcessSwitch from, InetSocketAddress fromAddress, InProcessSwitch to,
                            InetSocketAddress toAddress) {
        List<byte[]> datagrams = from.port.takeSentTo(toAddress);
        for (byte[] datagram : datagrams) {
            trunkTraffic.add(new RecordingPort.Sent(datagram, toAddress));
            to.receive(datagram, fromAddress);
        }
        return !datagrams.isEmpty();
    }
}
