package dev.vswitch.vport.direct;

import dev.vswitch.vport.link.LinkState;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.noise.X25519;
import dev.vswitch.protocol.rendezvous.Rendezvous;
import dev.vswitch.protocol.wire.WireFormat;
import dev.vswitch.vport.link.FrameLimits;
import dev.vswitch.vport.link.LinkCounters;
import dev.vswitch.vport.link.PathProof;
import dev.vswitch.vport.tap.MemoryTap;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two whole ends of the direct paths in one test, each with a TAP in memory and real UDP sockets on loopback, on a
 * clock the test moves: introduced to each other, they punch, go direct and carry frames both ways; a direct path is
 * rekeyed and outlives its sessions; a peer that roams is followed; a stranger's handshake is not answered; a peer of
 * another network key never gets a session; a silent path is given up within 2 s, and a punch that nobody answers
 * leaves the path relayed until the next introduction after the retry interval.
 */
class HolePunchingTest {

    private static final long MS = 1_000_000L;
    private static final String NETWORK = "lab";
    private static final long MAC_A = 0x02_00_00_00_0a_01L;
    private static final long MAC_B = 0x02_00_00_00_0b_01L;
    private static final Duration SOON = Duration.ofSeconds(10);

    private final SecureRandom random = new SecureRandom();
    private final byte[] networkKey = X25519.generatePrivateKey(random);
    private final AtomicLong clock = new AtomicLong(1_000_000_000_000L);
    private final List<AutoCloseable> opened = new ArrayList<>();

    /** One vport's side: its direct paths, its TAP, and the socket that plays its connection to the switch. */
    private final class End {
        final byte[] privateKey = X25519.generatePrivateKey(random);
        final MemoryTap tap = new MemoryTap();
        final LinkCounters counters = new LinkCounters();
        final DirectPaths paths;
        final DatagramChannel theSwitch;
        DatagramChannel switchSocket;
        InetSocketAddress local;
        final long mac;

        End(long mac, byte[] network) throws IOException {
            this.mac = mac;
            paths = new DirectPaths(new PeerKeys(privateKey, network, NETWORK, random, Clock.systemUTC()), tap, counters,
                    clock::get);
            theSwitch = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
            opened.add(theSwitch);
            opened.add(paths);
            connectToSwitch();
            paths.start(task -> task);
            tick(); // opens its socket, as a running vport's has been since its first tick
        }

        /** As SwitchLink's socket: connected, so it takes the switch's datagrams only, and the port shared after that. */
        private void connectToSwitch() throws IOException {
            switchSocket = DatagramChannel.open().connect(theSwitch.getLocalAddress());
            switchSocket.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            local = (InetSocketAddress) switchSocket.getLocalAddress();
            opened.add(switchSocket);
        }

        /** Moves to another port, as after a NAT rebinding or a failover: the direct socket follows at the next tick. */
        void roam() throws IOException {
            switchSocket.close();
            connectToSwitch();
        }

        Rendezvous.PeerIntro intro() {
            return new Rendezvous.PeerIntro(X25519.publicKey(privateKey), mac, local, List.of());
        }

        void tick() {
            paths.tick(clock.get(), local);
        }

        LinkState.Peer peer() {
            return paths.peers(clock.get()).get(0);
        }

        /** A frame to {@code to} as the TAP would hand it over; true when it went directly. */
        boolean sendFrame(long to, byte payload) {
            ByteBuffer frame = ByteBuffer.allocateDirect(FrameLimits.BUFFER_BYTES);
            EthernetFrame.writeMac(frame, 0, to);
            EthernetFrame.writeMac(frame, 6, mac);
            frame.putShort(12, (short) 0x88b5).put(14, payload).limit(60);
            DirectSender sender = new DirectSender(paths, counters, 0, 1514,
                    new PathProof(PathProof.Mode.OFF, "test", clock.get()));
            return sender.trySend(frame, 60);
        }
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : opened) {
            closeable.close();
        }
    }

    @Test
    void introducedVportsPunchGoDirectAndCarryFramesBothWays() throws IOException {
        End a = new End(MAC_A, networkKey);
        End b = new End(MAC_B, networkKey);
        introduce(a, b);
        assertFalse(a.sendFrame(MAC_B, (byte) 1), "nothing goes directly before a handshake");

        punchUntilDirect(a, b);
        LinkState.Peer bSeenByA = a.peer();
        assertEquals(b.local, bSeenByA.direct());
        assertTrue(bSeenByA.rtt() != null || b.peer().rtt() != null, "the side whose handshake was answered has a round trip");

        assertEquals(new Rendezvous.PathReport(1, 1, 0, 0), a.paths.report(), "what a tells the switch");

        assertTrue(a.sendFrame(MAC_B, (byte) 7));
        assertEquals(7, awaitFrame(b).get(14));
        assertTrue(b.sendFrame(MAC_A, (byte) 8));
        ByteBuffer atA = awaitFrame(a);
        assertEquals(8, atA.get(14));
        assertEquals(MAC_B, EthernetFrame.source(atA, 0));
        assertFalse(a.sendFrame(0xff_ff_ff_ff_ff_ffL, (byte) 9), "broadcast still goes through the switch");
        assertFalse(a.sendFrame(0x02_00_00_00_0c_01L, (byte) 9), "so does unicast to a MAC behind no direct peer");
    }

    @Test
    void aDirectPathIsRekeyedBeforeItsSessionExpiresAndStaysDirect() throws IOException {
        End a = new End(MAC_A, networkKey);
        End b = new End(MAC_B, networkKey);
        introduce(a, b);
        punchUntilDirect(a, b);
        long start = clock.get();
        // Four minutes, past the 180 s a session may live, in steps the keepalives keep up with.
        while (clock.get() - start < 240_000 * MS) {
            clock.addAndGet(500 * MS);
            a.tick();
            b.tick(); // each sends its keepalive, and a rekey's initiation when due; the clock stands until both arrived
            await().atMost(SOON).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                    .until(() -> a.peer().path().equals("direct") && b.peer().path().equals("direct")
                            && a.paths.lastHeard(b.intro().publicKey()) == clock.get()
                            && b.paths.lastHeard(a.intro().publicKey()) == clock.get());
        }
        assertTrue(a.sendFrame(MAC_B, (byte) 3));
        assertEquals(3, awaitFrame(b).get(14), "still direct, in a session younger than 180 s");
    }

    @Test
    void aPeerThatRoamsIsFollowedToItsNewAddress() throws IOException {
        End a = new End(MAC_A, networkKey);
        End b = new End(MAC_B, networkKey);
        introduce(a, b);
        punchUntilDirect(a, b);
        assertEquals(b.local, a.peer().direct());

        b.roam(); // its switch socket, and so its direct socket, has another port now: a new NAT mapping
        await("a to follow b to " + b.local).atMost(SOON).pollInterval(Duration.ofMillis(20)).until(() -> {
            clock.addAndGet(100 * MS);
            a.tick();
            b.tick(); // b's keepalives now come from its new address
            return b.local.equals(a.peer().direct());
        });
        assertEquals("direct", a.peer().path(), "still direct, at the new address");
        assertTrue(a.sendFrame(MAC_B, (byte) 5));
        assertEquals(5, awaitFrame(b).get(14), "frames follow it there");
    }

    @Test
    void aSilentPathFallsBackToTheSwitchWithinTwoSeconds() throws Exception {
        End a = new End(MAC_A, networkKey);
        End b = new End(MAC_B, networkKey);
        introduce(a, b);
        punchUntilDirect(a, b);

        b.paths.close(); // b's host lost its network
        long lastHeard = clock.get();
        for (int i = 0; i < 20 && "direct".equals(a.peer().path()); i++) {
            clock.addAndGet(100 * MS);
            a.tick();
        }
        assertEquals("relayed", a.peer().path());
        assertEquals("the direct path went silent", a.peer().why());
        assertTrue(clock.get() - lastHeard <= 2_000 * MS, "given up " + (clock.get() - lastHeard) / MS + " ms after the last answer");
        assertFalse(a.sendFrame(MAC_B, (byte) 1), "frames go through the switch again");
        assertEquals(new Rendezvous.PathReport(0, 1, 0, 1), a.paths.report(), "one punch went direct, one path lost");
    }

    @Test
    void aPunchNobodyAnswersLeavesThePathRelayedAndIsRetriedAtALaterIntroduction() throws IOException {
        End a = new End(MAC_A, networkKey);
        DatagramChannel silent = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        opened.add(silent);
        Rendezvous.PeerIntro nobody = new Rendezvous.PeerIntro(X25519.publicKey(X25519.generatePrivateKey(random)), MAC_B,
                (InetSocketAddress) silent.getLocalAddress(), List.of());
        a.paths.introduced(nobody, clock.get());
        assertEquals("punching", a.peer().path());
        for (int i = 0; i <= 50; i++) {
            a.tick();
            clock.addAndGet(100 * MS);
        }
        assertEquals("relayed", a.peer().path());
        assertTrue(a.peer().why().startsWith("no candidate answered within 5 s"), a.peer().why());
        assertEquals(10, receivedCount(silent), "an initiation every 0.5 s for 5 s");
        assertEquals(new Rendezvous.PathReport(0, 0, 1, 0), a.paths.report());

        a.paths.introduced(nobody, clock.get());
        assertEquals("relayed", a.peer().path(), "not again before the retry interval");
        clock.addAndGet(DirectPaths.RETRY_AFTER_NANOS);
        a.paths.introduced(nobody, clock.get());
        assertEquals("punching", a.peer().path(), "again at the first introduction after it");
    }

    @Test
    void aVportOfAnotherNetworkKeyOrOneNotIntroducedGetsNoSession() throws IOException {
        End a = new End(MAC_A, networkKey);
        End wrongKey = new End(MAC_B, X25519.generatePrivateKey(random));
        End stranger = new End(0x02_00_00_00_0c_01L, networkKey);
        introduce(a, wrongKey);
        stranger.paths.introduced(a.intro(), clock.get()); // a was never told of the stranger
        a.tick();
        wrongKey.tick();
        stranger.tick(); // the first round: answered while the clock stands, so each answer finds its handshake waiting
        await("the stranger's handshake refused").atMost(SOON)
                .until(() -> a.counters.drops(LinkCounters.Drop.STRANGER) > 0);
        await("answers under the other network key refused").atMost(SOON)
                .until(() -> a.counters.drops(LinkCounters.Drop.FORGED) > 0 && wrongKey.counters.drops(LinkCounters.Drop.FORGED) > 0);
        for (int i = 0; i < 11; i++) {
            clock.addAndGet(500 * MS);
            a.tick();
            wrongKey.tick();
            stranger.tick();
        }
        assertEquals("relayed", a.peer().path());
        assertEquals("relayed", wrongKey.peer().path());
        assertEquals("relayed", stranger.peer().path());
        assertFalse(a.sendFrame(MAC_B, (byte) 1));
        assertNull(a.tap.written.poll(), "nothing reached a's TAP");
    }

    /** The switch introduces each to the other, as when unicast flows between them. */
    private void introduce(End a, End b) {
        a.paths.introduced(b.intro(), clock.get());
        b.paths.introduced(a.intro(), clock.get());
    }

    /** Ticks both ends every 100 ms of the test's clock until both see the path direct. */
    private void punchUntilDirect(End a, End b) {
        await("a direct path both ways").atMost(SOON).pollInterval(Duration.ofMillis(20)).until(() -> {
            a.tick();
            b.tick();
            clock.addAndGet(10 * MS);
            return "direct".equals(a.peer().path()) && "direct".equals(b.peer().path());
        });
    }

    private static ByteBuffer awaitFrame(End end) {
        byte[] frame = await().atMost(SOON).until(() -> end.tap.written.poll(10, TimeUnit.MILLISECONDS), f -> f != null);
        return ByteBuffer.wrap(frame);
    }

    private static int receivedCount(DatagramChannel channel) throws IOException {
        channel.configureBlocking(false);
        ByteBuffer buffer = ByteBuffer.allocate(2048);
        int count = 0;
        while (channel.receive(buffer.clear()) != null) {
            assertEquals(WireFormat.TYPE_INITIATION, WireFormat.typeOf(buffer.flip(), 0, buffer.remaining()), "an initiation");
            count++;
        }
        return count;
    }
}
