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

/** Trunk ports, the links to the other replicas of the switch: split horizon, exemptions, lifetime. */
class TrunkPortTest {

    private static final long SECOND = 1_000_000_000L;
    private static final int FRAME = 60;
    private static final long LOCAL_A = 0x02_00_00_00_00_0AL;
    private static final long LOCAL_B = 0x02_00_00_00_00_0BL;
    private static final long BEHIND_X = 0x02_00_00_00_01_01L;
    private static final long BEHIND_Y = 0x02_00_00_00_02_01L;

    /** Strict limits, so that exemptions show: 2 MACs a port, a 5 s move hold, a burst of 2 broadcasts. */
    private final L2Safety strict = new L2Safety(2, Duration.ofSeconds(5), Duration.ofSeconds(20), new FloodLimit(1, 2),
            new FloodLimit(1, 2), new FloodLimit(1, 2));
    private final VirtualSwitch<String> network = new VirtualSwitch<>("lan", new SwitchSettings(1518,
            Duration.ofSeconds(300), Duration.ofSeconds(60), 1000, 3, strict));
    private final ForwardingDecision<String> decision = new ForwardingDecision<>();

    @Test
    void aFloodFromAVportReachesEveryOtherPortTrunksIncluded() {
        meshOfTwoVportsAndTwoTrunks();
        network.forward("a", FRAME, MacAddress.BROADCAST, LOCAL_A, SECOND, decision);
        assertEquals(ForwardingDecision.Action.FLOOD, decision.action());
        assertEquals(List.of("b", "x", "y"), floodTargets());
    }

    @Test
    void aFloodFromATrunkReachesOnlyVportsNeverAnotherTrunk() {
        meshOfTwoVportsAndTwoTrunks();
        network.forward("x", FRAME, MacAddress.BROADCAST, BEHIND_X, SECOND, decision);
        assertEquals(List.of("a", "b"), floodTargets());
        network.forward("x", FRAME, 0x02_00_00_00_09_99L, BEHIND_X, SECOND, decision);
        assertEquals(FrameKind.UNKNOWN_UNICAST, decision.kind());
        assertEquals(List.of("a", "b"), floodTargets());
    }

    @Test
    void aUnicastFromATrunkToAMacBehindAnotherTrunkIsDroppedAsSplitHorizon() {
        meshOfTwoVportsAndTwoTrunks();
        network.forward("y", FRAME, MacAddress.BROADCAST, BEHIND_Y, SECOND, decision);
        network.forward("x", FRAME, BEHIND_Y, BEHIND_X, SECOND, decision);
        assertEquals(DropReason.SPLIT_HORIZON, decision.dropReason());
        assertEquals(1, network.counters().drops(DropReason.SPLIT_HORIZON));

        network.forward("x", FRAME, LOCAL_A, BEHIND_X, SECOND, decision);
        assertEquals("a", decision.egress().endpoint(), "from a trunk to a vport: delivered");
        network.forward("a", FRAME, BEHIND_Y, LOCAL_A, SECOND, decision);
        assertEquals("y", decision.egress().endpoint(), "from a vport to a trunk: delivered");
    }

    @Test
    void trunksAreExemptFromStormControlAndThePerPortMacLimit() {
        network.attachTrunk("x", 0);
        for (int i = 0; i < 100; i++) { // 100 hosts behind the other replica, each broadcasting at once
            network.forward("x", FRAME, MacAddress.BROADCAST, BEHIND_X + i, 0, decision);
            assertEquals(ForwardingDecision.Action.FLOOD, decision.action(), "frame " + i);
        }
        assertEquals(100, network.macTable().size());
        for (int i = 0; i < 3; i++) {
            network.forward("a", FRAME, MacAddress.BROADCAST, LOCAL_A, 0, decision);
        }
        assertEquals(DropReason.STORM_BROADCAST, decision.dropReason(), "a vport still has its limit");
    }

    @Test
    void thePortLimitCountsVportsOnly() {
        network.attachTrunk("x", 0);
        network.attachTrunk("y", 0);
        for (String vport : List.of("a", "b", "c")) {
            assertNotNull(network.keepalive(vport, 0, 0), vport);
        }
        assertNull(network.keepalive("d", 0, 0), "three vports is the limit");
        assertNotNull(network.attachTrunk("z", 0), "but another replica still joins");
        assertEquals(6, network.ports().size());
        assertEquals(3, network.ports().trunkCount());
    }

    @Test
    void trunksNeverIdleOut() {
        Port<String> trunk = network.attachTrunk("x", 0);
        network.keepalive("a", LOCAL_A, 0);
        network.sweep(3600 * SECOND);
        assertSame(trunk, network.ports().find("x"));
        assertNull(network.ports().find("a"));
    }

    @Test
    void detachingADeadReplicasTrunkForgetsItsMacsSoItsHostsReappearWithoutTheMoveHold() {
        Port<String> trunk = network.attachTrunk("x", 0);
        network.forward("x", FRAME, MacAddress.BROADCAST, BEHIND_X, 0, decision);
        network.forward("a", FRAME, MacAddress.BROADCAST, BEHIND_X, SECOND, decision); // failed over to us
        assertEquals(DropReason.MAC_MOVE_REFUSED, decision.dropReason(), "while its replica lives, the hold applies");

        network.detach(trunk);
        assertEquals(0, network.macTable().size());
        network.forward("a", FRAME, MacAddress.BROADCAST, BEHIND_X, SECOND, decision);
        assertEquals(ForwardingDecision.Action.FLOOD, decision.action());
        network.forward("b", FRAME, BEHIND_X, LOCAL_B, SECOND, decision);
        assertEquals("a", decision.egress().endpoint());
    }

    @Test
    void aHostMovingBetweenReplicasIsLearnedLikeAnyMove() {
        network.attachTrunk("x", 0);
        network.attachTrunk("y", 0);
        network.forward("x", FRAME, MacAddress.BROADCAST, BEHIND_X, 0, decision);
        network.forward("y", FRAME, MacAddress.BROADCAST, BEHIND_X, 10 * SECOND, decision);
        assertEquals(ForwardingDecision.Action.FLOOD, decision.action());
        assertEquals(1, network.counters().macMoves());
        network.forward("a", FRAME, BEHIND_X, LOCAL_A, 10 * SECOND, decision);
        assertEquals("y", decision.egress().endpoint());
    }

    @Test
    void trunkPortsAreToldToTheListener() {
        List<String> events = new ArrayList<>();
        network.onPortChanges(new PortListener<>() {
            @Override
            public void attached(Port<String> port) {
                events.add("+" + port.endpoint() + (port.isTrunk() ? " trunk" : ""));
            }

            @Override
            public void detached(Port<String> port) {
                events.add("-" + port.endpoint());
            }
        });
        network.detach(network.attachTrunk("x", 0));
        assertEquals(List.of("+x trunk", "-x"), events);
        assertEquals(1, network.counters().portsAttached());
    }

    private void meshOfTwoVportsAndTwoTrunks() {
        network.keepalive("a", LOCAL_A, 0);
        network.keepalive("b", LOCAL_B, 0);
        network.attachTrunk("x", 0);
        network.attachTrunk("y", 0);
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
