package dev.vswitch.switching.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.MacAddress;
import dev.vswitch.switching.DropReason;
import dev.vswitch.switching.FloodLimit;
import dev.vswitch.switching.ForwardingDecision;
import dev.vswitch.switching.FrameKind;
import dev.vswitch.switching.L2Safety;
import dev.vswitch.switching.MacTable;
import dev.vswitch.switching.Port;
import dev.vswitch.switching.SwitchCounters;
import dev.vswitch.switching.SwitchSettings;
import dev.vswitch.switching.VirtualSwitch;

import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The switching core driven by a fuzzed sequence of datagrams, keepalives, sweeps, detaches, trunk
 * attaches and clock steps, under fuzzed limits, from a few endpoints (the last two may be trunks to other
 * replicas) and a pool of MACs (zero, broadcast, multicast, a few dozen unicast, and arbitrary 48-bit values). After every step: no exception, the MAC table within its
 * limits and consistent with its per-port counts, every decision coherent, and every frame counted once:
 * frames given to {@code forward} = unicast + flooded + dropped, each drop under its one reason.
 */
class SwitchingFuzzTest {

    private static final long SECOND = 1_000_000_000L;
    private static final int ENDPOINTS = 10;
    private static final int TRUNKS = 2;
    private static final int MAX_STEPS = 400;
    private static final long[] SPECIAL_MACS = {
        MacAddress.ZERO, MacAddress.BROADCAST, 0x01_00_5e_00_00_01L, 0x33_33_00_00_00_01L, 0x03_00_00_00_00_01L,
    };
    private static final int UNICAST_POOL = 40;

    @FuzzTest(maxDuration = "25s")
    void forward(FuzzedDataProvider data) {
        SwitchSettings settings = new SwitchSettings(
                data.consumeInt(EthernetFrame.HEADER_LENGTH, 9018),
                Duration.ofMillis(data.consumeLong(1, 600_000)),
                Duration.ofMillis(data.consumeLong(1, 600_000)),
                data.consumeInt(1, 64),
                data.consumeInt(1, 8),
                new L2Safety(data.consumeInt(1, 32), Duration.ofMillis(data.consumeLong(0, 10_000)),
                        Duration.ofMillis(data.consumeLong(0, 30_000)),
                        floodLimit(data), floodLimit(data), floodLimit(data)));
        VirtualSwitch<Integer> network = new VirtualSwitch<>("fuzz", settings);
        Ledger ledger = new Ledger();
        ForwardingDecision<Integer> decision = new ForwardingDecision<>();
        long now = data.consumeLong(-(1L << 62), 1L << 62); // System.nanoTime() may be anywhere, negative too
        for (int step = 0; step < MAX_STEPS && data.remainingBytes() > 0; step++) {
            int op = data.consumeInt(0, 9);
            Integer endpoint = data.consumeInt(0, ENDPOINTS - 1);
            if (op <= 5) {
                int length = data.consumeBoolean() ? data.consumeInt(0, settings.maxFrameSize() + 64)
                        : data.pickValue(new int[] {0, 13, 14, 60, 1514, 1518, settings.maxFrameSize(), settings.maxFrameSize() + 1});
                long destination = mac(data);
                long source = mac(data);
                now += data.consumeLong(0, 2 * SECOND);
                ledger.forward(network, endpoint, length, destination, source, now, decision);
            } else if (op == 6) {
                now += data.consumeLong(0, 2 * SECOND);
                ledger.keepalive(network, endpoint, mac(data), now);
            } else if (op == 7) {
                now += data.consumeLong(0, 5 * SECOND);
                network.sweep(now);
            } else if (op == 8) {
                Port<Integer> port = network.ports().find(endpoint);
                if (port != null) {
                    network.detach(port);
                } else if (endpoint >= ENDPOINTS - TRUNKS) {
                    network.attachTrunk(endpoint, now);
                }
            } else {
                now += data.consumeLong(0, 700 * SECOND);
            }
            checkTables(network, settings);
            ledger.checkCounters(network.counters());
        }
    }

    /**
     * The MAC table alone against a plain map with the same rules (ageing, per-port cap, move hold, capacity):
     * the open-addressing table must answer every call as the map does and hold the same entries throughout,
     * through growth and backward-shift deletion. MACs come from a small pool so that probe chains collide.
     */
    @FuzzTest(maxDuration = "15s")
    void macTable(FuzzedDataProvider data) {
        int maxEntries = data.consumeInt(1, 200);
        int maxPerPort = data.consumeInt(1, 200);
        long aging = data.consumeLong(1, 100 * SECOND);
        long hold = data.consumeLong(0, 10 * SECOND);
        long ownerHold = data.consumeLong(0, 30 * SECOND);
        MacTable table = new MacTable(maxEntries, maxPerPort, aging, hold, ownerHold);
        MacTableModel model = new MacTableModel(maxEntries, maxPerPort, aging, hold, ownerHold);
        long now = data.consumeLong(-(1L << 62), 1L << 62);
        for (int step = 0; step < 4 * MAX_STEPS && data.remainingBytes() > 0; step++) {
            int op = data.consumeInt(0, 7);
            now += data.consumeBoolean() ? 0 : data.consumeLong(0, 20 * SECOND);
            long mac = data.consumeBoolean() ? 0x02_00_00_00_00_00L | data.consumeInt(0, 255)
                    : data.consumeLong() & MacAddress.BROADCAST;
            int port = data.consumeInt(0, 40);
            switch (op) {
                case 0, 1, 2, 3 -> {
                    boolean claim = op == 3;
                    MacTable.Learned expected = model.learn(mac, port, now, claim);
                    MacTable.Learned actual = claim ? table.claim(mac, port, now, true) : table.learn(mac, port, now);
                    check(actual == expected, (claim ? "claim(" : "learn(") + MacAddress.format(mac) + ", " + port
                            + ") = " + actual + ", expected " + expected);
                }
                case 4, 5 -> {
                    int expected = model.lookup(mac, now);
                    int actual = table.lookup(mac, now);
                    check(actual == expected, "lookup(" + MacAddress.format(mac) + ") = " + actual + ", expected " + expected);
                }
                case 6 -> check(table.expire(now) == model.expire(now), "expire removed a different number");
                default -> check(table.removePort(port) == model.removePort(port), "removePort removed a different number");
            }
            check(table.size() == model.entries.size(), "size " + table.size() + ", expected " + model.entries.size());
            check(table.size() <= maxEntries, "MAC table above its capacity");
            Map<Long, long[]> actual = new HashMap<>();
            table.forEach((m, p, seen) -> check(actual.put(m, new long[] {p, seen}) == null, "a MAC twice in the table"));
            check(actual.size() == model.entries.size(), "forEach visits " + actual.size() + " entries");
            model.entries.forEach((m, entry) -> {
                long[] got = actual.get(m);
                check(got != null && got[0] == entry[0] && got[1] == entry[1], "entry of " + MacAddress.format(m)
                        + " lost or changed");
            });
            for (int p = 0; p <= 40; p++) {
                check(table.countOf(p) == model.countOf(p), "countOf(" + p + ") = " + table.countOf(p) + ", expected "
                        + model.countOf(p));
                check(table.countOf(p) <= maxPerPort, "port " + p + " above its MAC limit");
            }
        }
    }

    /** The rules of {@link MacTable} over a HashMap: MAC to {port, last seen, last claimed or none}. */
    private static final class MacTableModel {
        static final long NOT_CLAIMED = Long.MIN_VALUE;
        final Map<Long, long[]> entries = new HashMap<>();
        final int maxEntries;
        final int maxPerPort;
        final long aging;
        final long hold;
        final long ownerHold;

        MacTableModel(int maxEntries, int maxPerPort, long aging, long hold, long ownerHold) {
            this.maxEntries = maxEntries;
            this.maxPerPort = maxPerPort;
            this.aging = aging;
            this.hold = hold;
            this.ownerHold = ownerHold;
        }

        int lookup(long mac, long now) {
            long[] entry = entries.get(mac);
            if (entry == null) {
                return MacTable.NO_PORT;
            }
            if (now - entry[1] > aging) {
                entries.remove(mac);
                return MacTable.NO_PORT;
            }
            return (int) entry[0];
        }

        MacTable.Learned learn(long mac, int port, long now, boolean claim) {
            long[] entry = entries.get(mac);
            long claimed = claim ? now : NOT_CLAIMED;
            if (entry != null && entry[0] == port) {
                entry[1] = now;
                entry[2] = claim ? now : entry[2];
                return MacTable.Learned.REFRESHED;
            }
            boolean aged = entry != null && now - entry[1] > aging;
            boolean owned = entry != null && entry[2] != NOT_CLAIMED && now - entry[2] < ownerHold;
            if (entry != null && !aged && (now - entry[1] < hold || owned)) {
                return MacTable.Learned.MOVE_REFUSED;
            }
            if (countOf(port) >= maxPerPort) {
                return MacTable.Learned.PORT_FULL;
            }
            if (entry != null) {
                entry[0] = port;
                entry[1] = now;
                entry[2] = claimed;
                return aged ? MacTable.Learned.NEW : MacTable.Learned.MOVED;
            }
            if (entries.size() >= maxEntries) {
                return MacTable.Learned.TABLE_FULL;
            }
            entries.put(mac, new long[] {port, now, claimed});
            return MacTable.Learned.NEW;
        }

        int expire(long now) {
            int before = entries.size();
            entries.values().removeIf(entry -> now - entry[1] > aging);
            return before - entries.size();
        }

        int removePort(int port) {
            int before = entries.size();
            entries.values().removeIf(entry -> entry[0] == port);
            return before - entries.size();
        }

        int countOf(int port) {
            int count = 0;
            for (long[] entry : entries.values()) {
                if (entry[0] == port) {
                    count++;
                }
            }
            return count;
        }
    }

    /** Frames and drops as the test saw them, to hold the switch's counters against. */
    private static final class Ledger {
        long frames;
        long unicast;
        long flooded;
        long framesClassified;
        final Map<DropReason, Long> forwardDrops = new EnumMap<>(DropReason.class);
        final Map<DropReason, Long> keepaliveDrops = new EnumMap<>(DropReason.class);

        void forward(VirtualSwitch<Integer> network, Integer endpoint, int length, long destination, long source,
                     long now, ForwardingDecision<Integer> decision) {
            SwitchCounters counters = network.counters();
            long[] dropsBefore = drops(counters);
            long[] inBefore = framesIn(counters);
            boolean hadPort = network.ports().find(endpoint) != null;
            int portsBefore = network.livePortCount() - network.ports().trunkCount();

            network.forward(endpoint, length, destination, source, now, decision);
            frames++;
            FrameKind classified = null;
            switch (decision.action()) {
                case UNICAST -> {
                    unicast++;
                    classified = FrameKind.UNICAST;
                    check(decision.kind() == FrameKind.UNICAST && decision.dropReason() == null, "unicast decision");
                    check(!MacAddress.isGroup(destination), "a group address forwarded as unicast");
                    Port<Integer> egress = decision.egress();
                    check(egress != null && egress != decision.ingress(), "unicast without another egress port");
                    check(!(egress.isTrunk() && decision.ingress().isTrunk()), "unicast from a trunk to a trunk");
                    check(network.ports().get(egress.id()) == egress, "unicast to a port that is gone");
                }
                case FLOOD -> {
                    flooded++;
                    classified = decision.kind();
                    FrameKind expected = MacAddress.isBroadcast(destination) ? FrameKind.BROADCAST
                            : MacAddress.isGroup(destination) ? FrameKind.MULTICAST : FrameKind.UNKNOWN_UNICAST;
                    check(classified == expected, "flooded as " + classified + ", expected " + expected);
                    check(decision.egress() == null && decision.dropReason() == null, "flood decision");
                    checkFloodTargets(network, decision.ingress());
                }
                case DROP -> {
                    DropReason reason = decision.dropReason();
                    check(reason != null, "a drop without a reason");
                    forwardDrops.merge(reason, 1L, Long::sum);
                    classified = switch (reason) {
                        case SAME_PORT, SPLIT_HORIZON -> FrameKind.UNICAST;
                        case STORM_BROADCAST -> FrameKind.BROADCAST;
                        case STORM_MULTICAST -> FrameKind.MULTICAST;
                        case STORM_UNKNOWN_UNICAST -> FrameKind.UNKNOWN_UNICAST;
                        default -> null;
                    };
                    checkDropReason(network, reason, length, source, hadPort, portsBefore);
                }
            }
            if (decision.action() != ForwardingDecision.Action.DROP || decision.ingress() != null) {
                Port<Integer> ingress = decision.ingress();
                check(ingress != null && network.ports().get(ingress.id()) == ingress
                        && ingress.endpoint().equals(endpoint), "the ingress port is not the sender's live port");
            }
            long[] dropsAfter = drops(counters);
            long[] inAfter = framesIn(counters);
            for (DropReason reason : DropReason.values()) {
                long delta = dropsAfter[reason.ordinal()] - dropsBefore[reason.ordinal()];
                long expected = decision.action() == ForwardingDecision.Action.DROP && decision.dropReason() == reason ? 1 : 0;
                check(delta == expected, "forward counted " + delta + " drops as " + reason.label() + ", decided "
                        + decision.action() + " " + decision.dropReason());
            }
            for (FrameKind kind : FrameKind.values()) {
                long delta = inAfter[kind.ordinal()] - inBefore[kind.ordinal()];
                check(delta == (kind == classified ? 1 : 0), "forward counted " + delta + " frames in as " + kind.label());
            }
            if (classified != null) {
                framesClassified++;
            }
        }

        void keepalive(VirtualSwitch<Integer> network, Integer endpoint, long source, long now) {
            long[] before = drops(network.counters());
            long keepalivesBefore = network.counters().keepalives();
            Port<Integer> port = network.keepalive(endpoint, source, now);
            long[] after = drops(network.counters());
            long total = 0;
            for (DropReason reason : DropReason.values()) {
                long delta = after[reason.ordinal()] - before[reason.ordinal()];
                total += delta;
                if (delta != 0) {
                    keepaliveDrops.merge(reason, delta, Long::sum);
                }
            }
            check(total <= 1, "one keepalive counted " + total + " drops");
            long portLimit = after[DropReason.PORT_LIMIT.ordinal()] - before[DropReason.PORT_LIMIT.ordinal()];
            check((port == null) == (portLimit == 1), "a keepalive without a port must be counted as port_limit");
            if (port != null) {
                check(network.ports().find(endpoint) == port && port.lastSeenNanos() == now, "keepalive port");
                check(network.counters().keepalives() == keepalivesBefore + 1, "keepalive not counted");
            }
        }

        void checkCounters(SwitchCounters counters) {
            long dropped = 0;
            for (DropReason reason : DropReason.values()) {
                long forwardCount = forwardDrops.getOrDefault(reason, 0L);
                dropped += forwardCount;
                check(counters.drops(reason) == forwardCount + keepaliveDrops.getOrDefault(reason, 0L),
                        "drops of " + reason.label() + " do not add up");
            }
            check(frames == unicast + flooded + dropped, "frames in " + frames + " != unicast " + unicast
                    + " + flooded " + flooded + " + dropped " + dropped);
            check(counters.framesIn() == framesClassified, "frames in by kind " + counters.framesIn()
                    + " != frames classified " + framesClassified);
        }
    }

    private static void checkDropReason(VirtualSwitch<Integer> network, DropReason reason, int length, long source,
                                        boolean hadPort, int portsBefore) {
        int maxFrame = network.settings().maxFrameSize();
        boolean runt = length < EthernetFrame.HEADER_LENGTH;
        boolean oversize = !runt && length > maxFrame;
        boolean invalidSource = !runt && !oversize && !MacAddress.isValidSource(source);
        check((reason == DropReason.RUNT) == runt, "runt decided wrongly for " + length + " bytes: " + reason);
        check((reason == DropReason.OVERSIZE) == oversize, "oversize decided wrongly for " + length + " bytes: " + reason);
        check((reason == DropReason.INVALID_SOURCE) == invalidSource, "invalid source decided wrongly: " + reason);
        if (reason == DropReason.PORT_LIMIT) {
            check(!hadPort && portsBefore >= network.settings().maxPorts(), "port_limit with room for a port");
        }
    }

    private static void checkFloodTargets(VirtualSwitch<Integer> network, Port<Integer> ingress) {
        int targets = 0;
        for (int i = 0; i < network.livePortCount(); i++) {
            Port<Integer> target = network.floodTarget(i, ingress);
            check(target != ingress, "a flood goes back to its ingress port");
            if (target != null) {
                check(network.ports().get(target.id()) == target, "a flood target that is not live");
                check(!(target.isTrunk() && ingress.isTrunk()), "a flood from a trunk goes to a trunk");
                targets++;
            }
        }
        int expected = ingress.isTrunk() ? network.livePortCount() - network.ports().trunkCount()
                : network.livePortCount() - 1;
        check(targets == expected, "a flood reaches " + targets + " of " + expected + " ports it should");
    }

    /** The MAC table within its limits, each entry on a live port, and per-port counts equal to the entries. */
    private static void checkTables(VirtualSwitch<Integer> network, SwitchSettings settings) {
        MacTable table = network.macTable();
        check(network.livePortCount() - network.ports().trunkCount() <= settings.maxPorts(), "more vports than max-ports");
        check(network.ports().size() == network.livePortCount(), "port counts disagree");
        check(table.size() <= settings.maxMacEntries(), "MAC table of " + table.size() + " > " + settings.maxMacEntries());
        Map<Integer, Integer> perPort = new HashMap<>();
        Set<Long> seen = new HashSet<>();
        int[] entries = {0};
        table.forEach((mac, port, lastSeen) -> {
            entries[0]++;
            check(seen.add(mac), "MAC " + MacAddress.format(mac) + " twice in the table");
            check(MacAddress.isValidSource(mac), "learned a MAC that is no valid source: " + MacAddress.format(mac));
            check(network.ports().get(port) != null, "MAC " + MacAddress.format(mac) + " on port " + port + " that is gone");
            perPort.merge(port, 1, Integer::sum);
        });
        check(entries[0] == table.size(), "MAC table holds " + entries[0] + " entries but says " + table.size());
        int[] counted = {0};
        network.ports().forEach(port -> {
            check(network.ports().find(port.endpoint()) == port && network.ports().get(port.id()) == port,
                    "port table indexes disagree for " + port);
            int count = table.countOf(port.id());
            check(count == perPort.getOrDefault(port.id(), 0), "countOf(" + port.id() + ") = " + count
                    + " but the table has " + perPort.getOrDefault(port.id(), 0));
            check(port.isTrunk() || count <= settings.safety().maxMacsPerPort(), "port " + port.id() + " owns " + count + " MACs");
            counted[0] += count;
        });
        check(counted[0] == table.size(), "per-port counts add up to " + counted[0] + ", table size " + table.size());
    }

    private static FloodLimit floodLimit(FuzzedDataProvider data) {
        return new FloodLimit(data.consumeInt(1, 1000), data.consumeInt(1, 64));
    }

    private static long mac(FuzzedDataProvider data) {
        int pick = data.consumeInt(0, SPECIAL_MACS.length + UNICAST_POOL);
        if (pick < SPECIAL_MACS.length) {
            return SPECIAL_MACS[pick];
        }
        if (pick < SPECIAL_MACS.length + UNICAST_POOL) {
            return 0x02_00_00_00_00_00L | (pick - SPECIAL_MACS.length + 1);
        }
        return data.consumeLong() & MacAddress.BROADCAST;
    }

    private static long[] drops(SwitchCounters counters) {
        long[] out = new long[DropReason.values().length];
        for (DropReason reason : DropReason.values()) {
            out[reason.ordinal()] = counters.drops(reason);
        }
        return out;
    }

    private static long[] framesIn(SwitchCounters counters) {
        long[] out = new long[FrameKind.values().length];
        for (FrameKind kind : FrameKind.values()) {
            out[kind.ordinal()] = counters.framesIn(kind);
        }
        return out;
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }
}
