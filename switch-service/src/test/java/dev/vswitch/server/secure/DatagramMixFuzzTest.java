package dev.vswitch.server.secure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.Keepalive;
import dev.vswitch.protocol.Mtu;
import dev.vswitch.protocol.offload.VirtioNetHeader;
import dev.vswitch.protocol.wire.WireFormat;
import dev.vswitch.server.capture.Captures;
import dev.vswitch.server.config.SwitchConfig;
import dev.vswitch.server.config.SwitchConfigs;
import dev.vswitch.server.legacy.LegacyDatagramSwitch;
import dev.vswitch.server.udp.RecordingPort;
import dev.vswitch.switching.Port;
import dev.vswitch.switching.PortListener;
import dev.vswitch.switching.SwitchSettings;
import dev.vswitch.switching.VirtualSwitch;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A fuzzed mix of datagrams against the secure port, the trunks between two replicas and the legacy port, all through
 * their handlers (no sockets), while genuine vports keep talking. Attackers send junk, tampered copies of captured
 * traffic (initiations, data, trunk handshakes and keepalives) and replays, from their own addresses, with time passing
 * in between. After every step:
 * <ul>
 *   <li>a frame from a genuine vport on one replica reaches its peer on the other replica through the trunk, once;</li>
 *   <li>a path probe, on either port, is echoed to its sender alone at its own length, or (a legacy port refused)
 *       not at all, and is never forwarded;</li>
 *   <li>the secure ports send attackers no data, and fewer bytes than they receive from them (no amplification);</li>
 *   <li>the legacy port sends no source more than {@code max-amplification} times its bytes plus the credit of each
 *       port it was given;</li>
 *   <li>and nothing throws.</li>
 * </ul>
 */
class DatagramMixFuzzTest {

    private static final int MAX_STEPS = 120;
    private static final long ALICE_MAC = 0x02_00_00_00_20_01L;
    private static final long BOB_MAC = 0x02_00_00_00_20_02L;
    private static final InetSocketAddress ALICE = new InetSocketAddress("198.18.0.1", 40001);
    private static final InetSocketAddress BOB = new InetSocketAddress("198.18.0.2", 40002);
    private static final InetSocketAddress[] ATTACKERS = {
        new InetSocketAddress("198.18.1.1", 50001), new InetSocketAddress("198.18.1.2", 50002),
        new InetSocketAddress("198.18.1.2", 50003), new InetSocketAddress("2001:db8::1", 50004),
    };
    /** vports are told to rekey well before their sessions expire (as real ones rekey after two minutes). */
    private static final long REJOIN_AFTER_NANOS = Duration.ofSeconds(90).toNanos();
    private static final SwitchConfig LEGACY_CONFIG = SwitchConfigs.of(Map.of());

    @FuzzTest(maxDuration = "60s")
    void secureTrunkAndLegacyPaths(FuzzedDataProvider data) {
        Mix mix = new Mix();
        for (int step = 0; step < MAX_STEPS && data.remainingBytes() > 0; step++) {
            switch (data.consumeInt(0, 7)) {
                case 0 -> mix.attack(data, randomBytes(data));
                case 1 -> mix.attack(data, tampered(data, data.pickValue(mix.captured())));
                case 2 -> mix.attack(data, data.pickValue(mix.captured()).clone());
                case 3 -> mix.legacy(data);
                case 4 -> mix.replicas.advance(Duration.ofMillis(data.consumeLong(0, 3000)));
                case 5 -> mix.aliceProbes(probeLength(data, WireFormat.MAX_PLAINTEXT - VirtioNetHeader.LENGTH),
                        data.consumeBoolean());
                default -> mix.aliceToBob(data.consumeInt(EthernetFrame.HEADER_LENGTH, 1400));
            }
            mix.check();
        }
        mix.aliceToBob(100);
        mix.check();
    }

    /** Mostly the sizes of a path's MTU, sometimes up to {@code max}: large datagrams cost the fuzzer time. */
    private static int probeLength(FuzzedDataProvider data, int max) {
        return data.consumeInt(Keepalive.PROBE_MIN_LENGTH, data.consumeInt(0, 7) == 0 ? max : 1600);
    }

    private static byte[] probe(long mac, int length) {
        ByteBuffer probe = ByteBuffer.allocate(length);
        Keepalive.writeProbe(probe, mac, length);
        return probe.array();
    }

    private static byte[] randomBytes(FuzzedDataProvider data) {
        byte[] bytes = data.consumeBytes(data.consumeBoolean() ? 200 : 1600);
        if (bytes.length > 0 && data.consumeBoolean()) {
            bytes[0] = data.consumeByte((byte) 1, (byte) 6); // a known message type, to get past the first check
        }
        return bytes;
    }

    private static byte[] tampered(FuzzedDataProvider data, byte[] original) {
        byte[] copy = original.clone();
        int changes = data.consumeInt(1, 4);
        for (int i = 0; i < changes && copy.length > 0; i++) {
            int at = data.consumeInt(0, copy.length - 1);
            copy[at] ^= (byte) data.consumeInt(1, 255);
        }
        if (data.consumeBoolean()) {
            return Arrays.copyOf(copy, data.consumeInt(0, copy.length + 16));
        }
        return copy;
    }

    /** Two replicas with a vport each, a legacy port, and what each attacker sent and got. */
    private static final class Mix {

        final ReplicaPair replicas = new ReplicaPair().connected();
        final InProcessVport alice = new InProcessVport(replicas.first, "lab", ALICE_MAC, ALICE).join();
        final InProcessVport bob = new InProcessVport(replicas.second, "lab", BOB_MAC, BOB).join();
        long aliceJoined = replicas.first.now();
        long bobJoined = replicas.second.now();
        long attackBytesIn;
        final RecordingPort legacyPort = new RecordingPort();
        final VirtualSwitch<InetSocketAddress> legacyNetwork;
        final LegacyDatagramSwitch legacy;
        final Map<InetSocketAddress, long[]> legacyLedger = new HashMap<>();
        long legacyNow = 1_000_000_000_000L;

        Mix() {
            alice.send(alice.frameTo(BOB_MAC, 100));
            replicas.exchange();
            bob.receivedFrames();
            SwitchSettings settings = new SwitchSettings(LEGACY_CONFIG.maxFrameSize(), LEGACY_CONFIG.macAgingTime(),
                    LEGACY_CONFIG.portIdleTimeout(), LEGACY_CONFIG.maxMacEntries(), LEGACY_CONFIG.maxPorts(),
                    LEGACY_CONFIG.safety().toL2Safety());
            legacyNetwork = new VirtualSwitch<>("legacy", settings, LEGACY_CONFIG.legacy().toOpenNetworkLimits(), legacyNow);
            legacyNetwork.onPortChanges(new PortListener<>() {
                @Override
                public void attached(Port<InetSocketAddress> port) {
                    ledger(port.endpoint())[2]++;
                }

                @Override
                public void detached(Port<InetSocketAddress> port) {
                }
            });
            legacy = new LegacyDatagramSwitch(legacyPort, false, legacyNetwork, new Captures());
        }

        /** What an attacker on the path has seen: the vports' and the replicas' messages. */
        byte[][] captured() {
            List<byte[]> seen = new ArrayList<>();
            seen.add(alice.lastInitiation);
            seen.add(alice.lastData);
            seen.add(bob.lastInitiation);
            seen.add(bob.lastData);
            List<RecordingPort.Sent> trunk = replicas.trunkTraffic;
            for (int i = Math.max(0, trunk.size() - 16); i < trunk.size(); i++) {
                seen.add(trunk.get(i).bytes());
            }
            return seen.toArray(byte[][]::new);
        }

        void attack(FuzzedDataProvider data, byte[] datagram) {
            InetSocketAddress from = data.pickValue(ATTACKERS);
            InProcessSwitch target = data.consumeBoolean() ? replicas.first : replicas.second;
            attackBytesIn += datagram.length;
            target.receive(datagram, from);
        }

        void legacy(FuzzedDataProvider data) {
            InetSocketAddress from = data.pickValue(ATTACKERS);
            byte[] datagram;
            boolean probe = false;
            switch (data.consumeInt(0, 2)) {
                case 0 -> {
                    ByteBuffer keepalive = ByteBuffer.allocate(Keepalive.LENGTH);
                    Keepalive.writeRequest(keepalive, data.consumeLong(), data.consumeBoolean());
                    datagram = keepalive.array();
                }
                case 1 -> {
                    datagram = probe(data.consumeLong(), probeLength(data, Mtu.MAX_DATAGRAM));
                    probe = true;
                }
                default -> datagram = data.consumeBytes(data.consumeInt(0, 1600));
            }
            legacyNow += data.consumeLong(0, 2_000_000_000L);
            if (data.consumeInt(0, 9) == 0) {
                legacy.sweep(legacyNow);
            }
            long sentBefore = legacyPort.bytesSent();
            legacy.onDatagram(ByteBuffer.wrap(datagram), from, legacyNow);
            long[] entry = ledger(from);
            entry[0] += datagram.length;
            entry[1] += legacyPort.bytesSent() - sentBefore;
            List<RecordingPort.Sent> sent = legacyPort.takeAll();
            if (probe && !sent.isEmpty()) { // nothing at all when the port was refused (new-port rate, port limit)
                assertEquals(1, sent.size(), "one echo of a legacy probe, nothing forwarded");
                assertEquals(from, sent.get(0).to());
                assertEchoes(datagram.length, sent.get(0).bytes(), 0);
            }
        }

        /** A genuine vport's path probe: one echo to it, as long, in the message type the probe came in. */
        void aliceProbes(int length, boolean offload) {
            rejoinIfOld();
            alice.probe(length, offload);
            replicas.exchange(); // a probe wrongly forwarded would reach bob now
            byte[] echo = alice.onlyAnswer();
            assertEquals(offload ? WireFormat.TYPE_DATA_OFFLOAD : WireFormat.TYPE_DATA, echo[0]);
            assertEchoes(length, alice.open(echo), offload ? VirtioNetHeader.LENGTH : 0);
        }

        private static void assertEchoes(int length, byte[] plaintext, int offset) {
            assertEquals(offset + length, plaintext.length, "the echo of a probe is as long as the probe");
            assertEquals(Keepalive.PROBE_REPLY, Keepalive.kind(ByteBuffer.wrap(plaintext), offset, length));
        }

        /** Bytes in, bytes out because of them, ports given: per source. */
        long[] ledger(InetSocketAddress source) {
            return legacyLedger.computeIfAbsent(source, ignored -> new long[3]);
        }

        void aliceToBob(int length) {
            rejoinIfOld();
            byte[] frame = alice.frameTo(BOB_MAC, length);
            alice.send(frame);
            replicas.exchange();
            List<byte[]> received = bob.receivedFrames();
            assertEquals(1, received.size(), "alice's frame reached bob through the trunk, once");
            assertArrayEquals(frame, received.get(0));
        }

        private void rejoinIfOld() {
            if (replicas.first.now() - aliceJoined > REJOIN_AFTER_NANOS) {
                alice.join();
                aliceJoined = replicas.first.now();
            }
            if (replicas.second.now() - bobJoined > REJOIN_AFTER_NANOS) {
                bob.join();
                bobJoined = replicas.second.now();
            }
        }

        void check() {
            long attackBytesOut = 0;
            for (InetSocketAddress attacker : ATTACKERS) {
                for (InProcessSwitch replica : List.of(replicas.first, replicas.second)) {
                    for (byte[] answer : replica.port.takeSentTo(attacker)) {
                        attackBytesOut += answer.length;
                        // A response too: a vport's captured initiation replayed to a replica that never saw that
                        // vport is answered (replay memory is per replica), but without the vport's private key the
                        // attacker cannot use it, and the pending session expires unconfirmed.
                        assertTrue(answer[0] == WireFormat.TYPE_HANDSHAKE_REFUSED || answer[0] == WireFormat.TYPE_COOKIE_REPLY
                                || answer[0] == WireFormat.TYPE_RESPONSE, "an attacker never gets data, got type " + answer[0]);
                    }
                }
            }
            assertTrue(attackBytesOut <= attackBytesIn, attackBytesOut + " bytes to attackers for " + attackBytesIn);
            assertEquals(List.of(), alice.receivedFrames(), "nothing reaches alice: only she sends");
            assertEquals(List.of(), bob.receivedFrames(), "nothing but alice's frames reaches bob");
            double factor = LEGACY_CONFIG.legacy().maxAmplification();
            int credit = LEGACY_CONFIG.legacy().amplificationCredit();
            legacyLedger.forEach((source, entry) -> assertTrue(entry[1] <= factor * entry[0] + credit * Math.max(1, entry[2]),
                    source + " got " + entry[1] + " bytes out for " + entry[0] + " in, " + entry[2] + " ports"));
        }
    }
}
