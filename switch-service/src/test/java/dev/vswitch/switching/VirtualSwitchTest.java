package dev.vswitch.switching;

import dev.vswitch.protocol.MacAddress;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class VirtualSwitchTest {

    private static final long SECOND = 1_000_000_000L;
    private static final int FRAME = 98;
    private static final long MAC_A = 0x02_00_00_00_00_0AL;
    private static final long MAC_B = 0x02_00_00_00_00_0BL;
    private static final long MAC_C = 0x02_00_00_00_00_0CL;
    private static final long IPV6_ALL_NODES = 0x33_33_00_00_00_01L;

    /** Limits that the ordinary tests never reach; the safety tests set their own. */
    static final L2Safety LENIENT = new L2Safety(1000, Duration.ZERO, Duration.ZERO, new FloodLimit(1e6, 1_000_000),
            new FloodLimit(1e6, 1_000_000), new FloodLimit(1e6, 1_000_000));

    private final VirtualSwitch<String> network = new VirtualSwitch<>("test", new SwitchSettings(1518,
            Duration.ofSeconds(300), Duration.ofSeconds(60), 1000, 16, LENIENT));
    private final ForwardingDecision<String> decision = new ForwardingDecision<>();

    @Test
    void unknownUnicastIsFloodedThenLearnedUnicastGoesToExactlyOnePort() {
        attach("a", MAC_A);
        attach("b", MAC_B);
        attach("c", MAC_C);
        network.forward("a", FRAME, 0x02_00_00_00_00_99L, MAC_A, 0, decision);
        assertEquals(ForwardingDecision.Action.FLOOD, decision.action());
        assertEquals(FrameKind.UNKNOWN_UNICAST, decision.kind());
        assertEquals(List.of("b", "c"), floodTargets());

        network.forward("a", FRAME, MAC_B, MAC_A, 0, decision);
        assertEquals(ForwardingDecision.Action.UNICAST, decision.action());
        assertEquals("b", decision.egress().endpoint());
        assertEquals(1, network.counters().framesIn(FrameKind.UNICAST));
    }

    @Test
    void aHostIsReachableBeforeItHasSpokenBecauseUnknownUnicastFloods() {
        network.keepalive("a", MAC_A, 0); // a vport that only announced itself
        network.forward("b", FRAME, MAC_C, MAC_B, 0, decision);
        assertEquals(ForwardingDecision.Action.FLOOD, decision.action());
        assertEquals(List.of("a"), floodTargets());
    }

    @Test
    void broadcastAndMulticastFloodToEveryOtherPortNeverBack() {
        attach("a", MAC_A);
        attach("b", MAC_B);
        attach("c", MAC_C);
        network.forward("b", FRAME, MacAddress.BROADCAST, MAC_B, 0, decision);
        assertEquals(FrameKind.BROADCAST, decision.kind());
        assertEquals(List.of("a", "c"), floodTargets());
        network.forward("c", FRAME, IPV6_ALL_NODES, MAC_C, 0, decision);
        assertEquals(FrameKind.MULTICAST, decision.kind());
        assertEquals(List.of("a", "b"), floodTargets());
    }

    @Test
    void aFrameForAMacOnItsOwnPortIsDroppedNotReflected() {
        attach("a", MAC_A);
        network.forward("a", FRAME, MAC_A, 0x02_00_00_00_01_0AL, 0, decision);
        assertEquals(ForwardingDecision.Action.DROP, decision.action());
        assertEquals(DropReason.SAME_PORT, decision.dropReason());
    }

    @Test
    void aMacThatAppearsOnAnotherPortMovesAndTheMoveIsCounted() {
        attach("a", MAC_A);
        attach("b", MAC_B);
        network.forward("b", FRAME, MacAddress.BROADCAST, MAC_A, SECOND, decision); // MAC_A roams to b
        assertEquals(1, network.counters().macMoves());
        network.forward("a", FRAME, MAC_A, 0x02_00_00_00_01_0AL, SECOND, decision);
        assertEquals("b", decision.egress().endpoint());
    }

    @Test
    void badFramesAreDroppedByReasonAndCreateNoPort() {
        network.forward("x", 0, 0, 0, 0, decision);
        assertEquals(DropReason.RUNT, decision.dropReason());
        network.forward("x", 13, 0, 0, 0, decision);
        assertEquals(DropReason.RUNT, decision.dropReason());
        network.forward("x", 1519, MAC_B, MAC_A, 0, decision);
        assertEquals(DropReason.OVERSIZE, decision.dropReason());
        network.forward("x", FRAME, MAC_B, MacAddress.BROADCAST, 0, decision);
        assertEquals(DropReason.INVALID_SOURCE, decision.dropReason());
        network.forward("x", FRAME, MAC_B, 0, 0, decision);
        assertEquals(DropReason.INVALID_SOURCE, decision.dropReason());
        assertEquals(0, network.ports().size());
        assertEquals(2, network.counters().drops(DropReason.RUNT));
        assertEquals(1, network.counters().drops(DropReason.OVERSIZE));
        assertEquals(2, network.counters().drops(DropReason.INVALID_SOURCE));
        assertEquals(0, network.counters().framesIn());
    }

    @Test
    void framesAtTheSizeLimitsPass() {
        network.forward("a", 14, MacAddress.BROADCAST, MAC_A, 0, decision);
        assertEquals(ForwardingDecision.Action.FLOOD, decision.action());
        network.forward("a", 1518, MacAddress.BROADCAST, MAC_A, 0, decision);
        assertEquals(ForwardingDecision.Action.FLOOD, decision.action());
    }

    @Test
    void idlePortsExpireWithTheirMacsAndKeepalivesKeepThemAlive() {
        attach("a", MAC_A);
        attach("b", MAC_B);
        network.keepalive("b", MAC_B, 50 * SECOND);
        network.sweep(61 * SECOND);
        assertNull(network.ports().find("a"));
        assertNotNull(network.ports().find("b"));
        assertEquals(1, network.counters().portsExpired());
        network.forward("b", FRAME, MAC_A, MAC_B, 61 * SECOND, decision);
        assertEquals(FrameKind.UNKNOWN_UNICAST, decision.kind(), "a's MAC left with its port");
    }

    @Test
    void macsAgeOutAndAreFloodedToAgain() {
        VirtualSwitch<String> shortAging = new VirtualSwitch<>("t", new SwitchSettings(1518,
                Duration.ofSeconds(10), Duration.ofSeconds(600), 1000, 16, LENIENT));
        shortAging.forward("a", FRAME, MacAddress.BROADCAST, MAC_A, 0, decision);
        shortAging.forward("b", FRAME, MAC_A, MAC_B, 5 * SECOND, decision);
        assertEquals(ForwardingDecision.Action.UNICAST, decision.action());
        shortAging.sweep(14 * SECOND);
        assertEquals(1, shortAging.counters().macsAged(), "only a's MAC is older than 10 s");
        shortAging.forward("b", FRAME, MAC_A, MAC_B, 14 * SECOND, decision);
        assertEquals(FrameKind.UNKNOWN_UNICAST, decision.kind());
    }

    @Test
    void portLimitRefusesNewEndpointsButServesTheExistingOnes() {
        VirtualSwitch<String> small = new VirtualSwitch<>("t", new SwitchSettings(1518,
                Duration.ofSeconds(300), Duration.ofSeconds(60), 1000, 2, LENIENT));
        small.forward("a", FRAME, MacAddress.BROADCAST, MAC_A, 0, decision);
        small.forward("b", FRAME, MacAddress.BROADCAST, MAC_B, 0, decision);
        small.forward("c", FRAME, MacAddress.BROADCAST, MAC_C, 0, decision);
        assertEquals(DropReason.PORT_LIMIT, decision.dropReason());
        small.forward("a", FRAME, MAC_B, MAC_A, 0, decision);
        assertEquals("b", decision.egress().endpoint());
    }

    @Test
    void portIdsAreReusedAfterDetach() {
        Port<String> a = attach("a", MAC_A);
        network.detach(a);
        Port<String> b = attach("b", MAC_B);
        assertEquals(a.id(), b.id());
        assertSame(b, network.ports().get(b.id()));
    }

    private Port<String> attach(String endpoint, long mac) {
        return network.keepalive(endpoint, mac, 0);
    }

    private List<String> floodTargets() {
        List<String> targets = new ArrayList<>();
        for (int i = 0; i < network.livePortCount(); i++) {
            Port<String> port = network.floodTarget(i, decision.ingress());
            if (port != null) {
                targets.add(port.endpoint());
            }
        }
        targets.sort(null);
        return targets;
    }
}
