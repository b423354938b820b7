package dev.vswitch.vport.secure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.Mtu;
import dev.vswitch.protocol.keys.JoinToken;
import dev.vswitch.protocol.keys.Keys;
import dev.vswitch.protocol.noise.X25519;
import dev.vswitch.protocol.wire.HandshakeRefusal;
import dev.vswitch.protocol.wire.Session;
import dev.vswitch.protocol.wire.WireFormat;
import dev.vswitch.vport.ExitCode;
import dev.vswitch.vport.VportException;
import dev.vswitch.vport.link.Endpoints;
import dev.vswitch.vport.link.LinkCounters;
import dev.vswitch.vport.link.LinkState;
import dev.vswitch.vport.link.StopSignal;
import dev.vswitch.vport.link.SwitchLink;
import dev.vswitch.vport.status.StatusDirectory;
import dev.vswitch.vport.status.StatusJson;
import dev.vswitch.vport.status.StatusPublisher;
import dev.vswitch.vport.status.StatusSummary;
import dev.vswitch.vport.status.VportStatus;
import dev.vswitch.vport.tap.MemoryTap;
import dev.vswitch.vport.tap.TestFrames;
import dev.vswitch.vport.testing.LogCapture;
import dev.vswitch.vport.values.HostPort;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secure link against {@link TestSwitch} on real UDP sockets on 127.0.0.1: the protocol module's
 * responder and sessions on the other side, a TAP device in memory on this side. Every wait is bounded.
 */
class SecureLinkTest {

    private static final long TAP_MAC = 0x02005e100001L;
    private static final long PEER_MAC = 0x02005e100002L;
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String NETWORK = "lab";

    private final SecureRandom random = new SecureRandom();
    private final byte[] switchPrivate = X25519.generatePrivateKey(random);
    private final byte[] networkKey = X25519.generatePrivateKey(random);
    private final byte[] clientPrivate = X25519.generatePrivateKey(random);
    private final MemoryTap tap = new MemoryTap();
    private final LinkCounters counters = new LinkCounters();
    private final StopSignal stopSignal = new StopSignal();
    private final LogCapture log = new LogCapture(SecureLink.class);
    private final AtomicLong clockOffset = new AtomicLong();
    private TestSwitch testSwitch;
    private DatagramSocket silentSwitch;
    private SecureLink link;
    /** More switches of a test, closed after it. */
    private final List<AutoCloseable> replicas = new ArrayList<>();
    /** --give-up-after of the links a test connects; zero: never. */
    private Duration giveUpAfter = Duration.ZERO;

    @AfterEach
    void stopEverything() throws Exception {
        try {
            if (link != null) {
                link.close();
            }
            if (testSwitch != null) {
                testSwitch.close();
            }
            if (silentSwitch != null) {
                silentSwitch.close();
            }
            for (AutoCloseable replica : replicas) {
                replica.close();
            }
        } finally {
            log.close();
        }
    }

    @Test
    void handshakesThenCarriesFramesBothWaysAndKeepalivesAreAnsweredNotDelivered() throws Exception {
        testSwitch = startSwitch(networkKey, 0);
        link = connect(testSwitch.port(), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(5));
        awaitConnected();
        assertEquals("connected to 127.0.0.1:" + testSwitch.port() + " (network lab)", log.lines.get(0));
        await("the switch saw the confirming keepalive", () -> testSwitch.confirmed.get() == 1);

        byte[] out = frame(PEER_MAC, TAP_MAC, 1400);
        tap.toVport.add(out);
        TestSwitch.Received received = testSwitch.frames.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(received, "the frame from the TAP reached the switch");
        assertArrayEquals(out, received.frame());

        byte[] in = frame(TAP_MAC, PEER_MAC, 60);
        testSwitch.sendFrame(in);
        assertArrayEquals(in, tap.written.poll(WAIT.toSeconds(), TimeUnit.SECONDS), "the frame from the switch reached the TAP");

        await("periodic keepalives are answered", () -> counters.keepalivesReceived() >= 3);
        assertTrue(testSwitch.keepalivesAnswered.get() >= 3);
        assertNull(tap.written.poll(), "keepalive replies are not written to the TAP");
        assertEquals(1, counters.framesToSwitch());
        assertEquals(1, counters.framesFromSwitch());
        assertEquals(1, counters.handshakesCompleted());
        assertEquals(1, testSwitch.initiations.get(), "one handshake is enough");
        assertEquals(1, log.lines.size(), "only the state change is logged: " + log.lines);
        assertFalse(stopSignal.isStopped());
    }

    @Test
    void publishesAStatusFileThatSaysConnectedWithRttAndCountsAndRemovesItAtStop(@TempDir Path dir) throws Exception {
        testSwitch = startSwitch(networkKey, 0);
        int port = testSwitch.port();
        link = connect(port, Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(5));
        StatusDirectory directory = new StatusDirectory(dir.resolve("run/vport"));
        Instant started = Instant.now();
        VportStatus.Identity identity = VportStatus.Identity.ofThisProcess("vswa", VportStatus.Mode.SECURE,
                HostPort.parse("127.0.0.1:" + port), NETWORK, started);
        Path file = directory.fileOf("vswa");
        try (StatusPublisher publisher = StatusPublisher.start(directory, identity, link, counters)) {
            awaitConnected();
            await("confirmed", () -> testSwitch.confirmed.get() == 1);
            byte[] out = frame(PEER_MAC, TAP_MAC, 1000);
            tap.toVport.add(out);
            assertNotNull(testSwitch.frames.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
            testSwitch.sendFrame(frame(TAP_MAC, PEER_MAC, 60));
            assertNotNull(tap.written.poll(WAIT.toSeconds(), TimeUnit.SECONDS));

            await("the status file says connected, with a round trip and both frames", () -> directory.read("vswa")
                    .map(entry -> entry.status().connected() && entry.status().rttMillis() != null
                            && entry.status().toSwitch().frames() == 1 && entry.status().fromSwitch().frames() == 1)
                    .orElse(false));
            VportStatus status = directory.read("vswa").orElseThrow().status();
            assertEquals("vswa", status.tap());
            assertEquals(VportStatus.Mode.SECURE, status.mode());
            assertEquals("127.0.0.1:" + port, status.switchTarget());
            assertEquals("127.0.0.1:" + port, status.switchAddress());
            assertEquals(NETWORK, status.network());
            assertEquals("connected", status.state());
            assertTrue(status.rttMillis() >= 0 && status.rttMillis() < 1_000, "a round trip on loopback: " + status.rttMillis());
            assertTrue(status.rttSmoothedMillis() >= 0 && status.rttSmoothedMillis() < 1_000, StatusJson.write(status));
            assertEquals(new VportStatus.Traffic(1, 1000), status.toSwitch());
            assertEquals(new VportStatus.Traffic(1, 60), status.fromSwitch());
            assertTrue(status.keepalivesSent() >= 1 && status.keepalivesAnswered() >= 1, StatusJson.write(status));
            assertTrue(status.sessionAgeSeconds() >= 0 && status.sessionAgeSeconds() < WAIT.toSeconds(), StatusJson.write(status));
            assertTrue(!status.lastHandshake().isBefore(started.minusSeconds(1)) && !status.lastHandshake().isAfter(Instant.now()),
                    StatusJson.write(status));
            assertTrue(status.secondsSinceHeard() < 5, StatusJson.write(status));
            assertEquals(ProcessHandle.current().pid(), status.pid());
            assertTrue(StatusDirectory.isRunning(status));
            String summary = StatusSummary.line(status);
            assertTrue(summary.startsWith("vswa: connected to 127.0.0.1:" + port + " (network lab), session "), summary);

            String text = Files.readString(file, StandardCharsets.UTF_8);
            assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            for (byte[] secret : List.of(networkKey, clientPrivate, switchPrivate)) {
                assertFalse(text.contains(Keys.encode(secret)) || text.contains(Base64.getUrlEncoder().withoutPadding().encodeToString(secret)),
                        "no key in the status file: " + text);
            }
            String token = new JoinToken("127.0.0.1:" + port, X25519.publicKey(switchPrivate), NETWORK, networkKey, null).encode();
            assertFalse(text.contains(token.substring(5, 30)), "no part of the token");
            assertEquals(file, publisher.file());
        }
        assertFalse(Files.exists(file), "removed at stop");
        assertEquals(1, log.lines.size(), "publishing logs nothing on the link: " + log.lines);
    }

    @Test
    void aCookieReplyIsOpenedAndTheInitiationSentAgainWithMac2() throws Exception {
        testSwitch = startSwitch(networkKey, 0);
        testSwitch.cookieMode = true;
        link = connect(testSwitch.port(), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(5));
        awaitConnected();
        assertEquals(1, testSwitch.cookiesSent.get());
        assertEquals(1, counters.cookiesReceived());
        assertEquals(2, testSwitch.initiations.get(), "the first without, the second with the cookie");
        assertEquals(1, testSwitch.initiationsWithCookie.get());
        assertTrue(counters.summary().contains("handshakes 1 completed/0 failed, 1 cookie,"), counters.summary());
    }

    /** Finding 5 of issue 18: a forged response made the vport drop the genuine one and wait for the retry. */
    @Test
    void aForgedResponseBeforeTheGenuineOneIsCountedAndTheGenuineOneConnects() throws Exception {
        testSwitch = startSwitch(networkKey, 0);
        testSwitch.forgeFirst = true;
        link = connect(testSwitch.port(), Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(30));
        awaitConnected();
        assertEquals(1, counters.handshakesFailed(), "the forgery is counted");
        assertEquals(1, counters.handshakesCompleted());
        assertEquals(1, testSwitch.initiations.get(), "no retry was needed");
        assertEquals(List.of("connected to 127.0.0.1:" + testSwitch.port() + " (network lab)"), log.lines,
                "and not told as a wrong network key");
    }

    @Test
    void aWrongNetworkKeyIsReportedInOneLineAndRetriedWithoutEnding() throws Exception {
        testSwitch = startSwitch(X25519.generatePrivateKey(random), 0);
        link = connect(testSwitch.port(), Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMillis(300));
        await("three attempts", () -> testSwitch.initiations.get() >= 3 && counters.handshakesFailed() >= 3);
        assertEquals(List.of(SecureLink.HANDSHAKE_FAILED_LINE), log.lines, "one line, however many attempts");
        assertEquals(SecureLink.State.REJECTED, link.state());
        assertEquals(0, counters.handshakesCompleted());
        assertFalse(stopSignal.isStopped(), "a wrong key does not end the vport");
        tap.toVport.add(frame(PEER_MAC, TAP_MAC, 100));
        await("no session, so the frame is dropped", () -> counters.drops(LinkCounters.Drop.NO_SESSION) == 1);
    }

    @Test
    void aSwitchThatForgotEverythingIsJoinedAgainByItself() throws Exception {
        testSwitch = startSwitch(networkKey, 0);
        int port = testSwitch.port();
        link = connect(port, Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMillis(500));
        awaitConnected();
        await("confirmed", () -> testSwitch.confirmed.get() == 1);
        Session before = link.currentSession();

        testSwitch.close();
        testSwitch = startSwitch(networkKey, port); // the same keys, no sessions: a restarted switch
        await("vport notices the silence", () -> log.count("waiting for handshake response from 127.0.0.1:" + port + " (no answer for 2 s)") == 1);
        await("and joins again", () -> log.count("connected to 127.0.0.1:" + port + " (network lab)") == 2);
        assertNotSame(before, link.currentSession());
        assertEquals(3, log.lines.size(), log.lines.toString());

        byte[] out = frame(PEER_MAC, TAP_MAC, 200);
        tap.toVport.add(out);
        TestSwitch.Received received = testSwitch.frames.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(received, "frames flow to the restarted switch");
        assertArrayEquals(out, received.frame());
    }

    @Test
    void anUnansweredKeepaliveStartsANewHandshakeLongBeforeDeadAfter() throws Exception {
        testSwitch = startSwitch(networkKey, 0);
        int port = testSwitch.port();
        link = connect(port, Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofMillis(500));
        awaitConnected();
        await("confirmed", () -> testSwitch.confirmed.get() == 1);

        testSwitch.close();
        testSwitch = startSwitch(networkKey, port); // restarted: it drops our keepalives as unknown sessions
        await("a second handshake within a few seconds", () -> counters.handshakesCompleted() == 2);
        assertEquals(List.of("connected to 127.0.0.1:" + port + " (network lab)"), log.lines,
                "recovered without ever waiting for --dead-after");
        byte[] out = frame(PEER_MAC, TAP_MAC, 120);
        tap.toVport.add(out);
        TestSwitch.Received received = testSwitch.frames.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(received, "frames flow to the restarted switch");
    }

    @Test
    void rekeysAfterTwoMinutesAndStillOpensPacketsInFlightInThePreviousSession() throws Exception {
        testSwitch = startSwitch(networkKey, 0);
        link = connect(testSwitch.port(), Duration.ofSeconds(1), Duration.ofSeconds(600), Duration.ofSeconds(5));
        awaitConnected();
        await("confirmed", () -> testSwitch.hasConfirmedClient());
        Session first = link.currentSession();

        clockOffset.addAndGet(Duration.ofSeconds(WireFormat.REKEY_AFTER_SECONDS + 1).toNanos());
        await("a new session after REKEY_AFTER_SECONDS", () -> link.currentSession() != first && testSwitch.confirmed.get() == 2);
        assertEquals(2, testSwitch.accepted.get());
        assertEquals(2, counters.handshakesCompleted());
        assertEquals(1, log.lines.size(), "a rekey is not news: " + log.lines);

        byte[] inFlight = frame(TAP_MAC, PEER_MAC, 80);
        testSwitch.sendFrameOnPrevious(inFlight);
        assertArrayEquals(inFlight, tap.written.poll(WAIT.toSeconds(), TimeUnit.SECONDS), "the previous session still opens");

        tap.toVport.add(frame(PEER_MAC, TAP_MAC, 90));
        TestSwitch.Received received = testSwitch.frames.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(received);
        assertEquals(testSwitch.currentIndex(), received.sessionIndex(), "new frames use the new session");

        clockOffset.addAndGet(Duration.ofSeconds(WireFormat.REJECT_AFTER_SECONDS - WireFormat.REKEY_AFTER_SECONDS).toNanos());
        await("the old keys expire", () -> {
            testSwitch.sendFrameOnPrevious(frame(TAP_MAC, PEER_MAC, 80));
            Thread.sleep(50);
            return counters.drops(LinkCounters.Drop.UNKNOWN_SESSION) >= 1;
        });
        assertNull(tap.written.poll(), "nothing from expired keys reaches the TAP");
    }

    @Test
    void forgedReplayedUnknownAndMalformedDatagramsAreCountedNotDelivered() throws Exception {
        testSwitch = startSwitch(networkKey, 0);
        link = connect(testSwitch.port(), Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(5));
        awaitConnected();
        await("confirmed", () -> testSwitch.hasConfirmedClient());
        byte[] genuine = frame(TAP_MAC, PEER_MAC, 100);
        testSwitch.sendFrame(genuine);
        assertArrayEquals(genuine, tap.written.poll(WAIT.toSeconds(), TimeUnit.SECONDS));

        testSwitch.replayLast();
        testSwitch.sendForged(frame(TAP_MAC, PEER_MAC, 100));
        ByteBuffer unknown = ByteBuffer.allocate(WireFormat.DATA_OVERHEAD + 20);
        unknown.put(WireFormat.TYPE_DATA).put(WireFormat.VERSION).putShort((short) 0).putInt(testSwitch.currentIndex() ^ 1);
        testSwitch.sendRaw(unknown.array());
        byte[] otherVersion = unknown.array().clone();
        otherVersion[1] = 2;
        testSwitch.sendRaw(otherVersion);

        await("each drop counted by reason", () -> counters.drops(LinkCounters.Drop.REPLAYED) == 1
                && counters.drops(LinkCounters.Drop.FORGED) == 1 && counters.drops(LinkCounters.Drop.UNKNOWN_SESSION) == 1
                && counters.drops(LinkCounters.Drop.MALFORMED) == 1);
        assertNull(tap.written.poll(), "none of them reached the TAP");
        assertTrue(counters.summary().endsWith("dropped forged=1 replayed=1 unknown-session=1 malformed=1"), counters.summary());
        assertEquals(1, log.lines.size(), "drops are counted, not logged: " + log.lines);
    }

    @Test
    void startsWithAnInitiationAndReportsASilentSwitchOnce() throws Exception {
        silentSwitch = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        silentSwitch.setSoTimeout((int) WAIT.toMillis());
        int port = silentSwitch.getLocalPort();
        link = connect(port, Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMillis(300));
        DatagramPacket first = new DatagramPacket(new byte[1024], 1024);
        silentSwitch.receive(first);
        assertEquals(WireFormat.TYPE_INITIATION, WireFormat.typeOf(ByteBuffer.wrap(first.getData()), 0, first.getLength()));

        tap.toVport.add(frame(PEER_MAC, TAP_MAC, 100));
        await("a frame without a session is dropped", () -> counters.drops(LinkCounters.Drop.NO_SESSION) == 1);
        await("silence reported", () -> log.count("no answer from the switch") == 1);
        await("silent after --dead-after, six retries later", () -> link.state() == SecureLink.State.SILENT);
        assertEquals(List.of("no answer from the switch at 127.0.0.1:" + port + " to any handshake: check that the host is up"
                + " and reachable and that no firewall drops udp to it; a switch that explains no refusals"
                + " (vswitch.handshakes.explain-refusals=false) is also silent to a token it does not know"), log.lines);
        assertEquals(SecureLink.State.SILENT, link.state());
        LinkState state = link.linkState();
        assertFalse(state.connected());
        assertEquals(LinkState.Phase.SILENT, state.phase());
        assertNull(state.sinceHeard(), "nothing authentic heard");
        assertNull(state.sessionAge());
        assertNull(state.sinceHandshake());
        assertFalse(state.rtt().measured());
    }

    @Test
    void nothingListeningIsToldApartFromSilenceAndGivingUpEndsWithItsExitCode() throws Exception {
        int port;
        try (DatagramSocket closed = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            port = closed.getLocalPort(); // closed again at once: the kernel answers "port unreachable" for it
        }
        giveUpAfter = Duration.ofSeconds(2);
        link = connect(port, Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofMillis(300));
        VportException gaveUp = stopSignal.await();
        String line = "nothing listens on udp 127.0.0.1:" + port + " (ICMP port unreachable): is the switch running there,"
                + " and is this its port (vswitch.port, 9999 by default)?";
        assertEquals(List.of(line), log.lines, "said once, however many attempts");
        assertEquals(ExitCode.NO_SWITCH, gaveUp.exitCode());
        assertEquals("gave up after 2 s (--give-up-after): " + line, gaveUp.getMessage());
    }

    @Test
    void aRefusalIsToldWithItsReasonAndWhatToDoAndGivingUpEndsWithItsExitCode() throws Exception {
        testSwitch = startSwitch(networkKey, 0);
        testSwitch.refuseWith = HandshakeRefusal.Reason.CLIENT_NOT_ALLOWED;
        giveUpAfter = Duration.ofSeconds(2);
        link = connect(testSwitch.port(), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofMillis(300));
        VportException gaveUp = stopSignal.await();
        String publicKey = Keys.encode(X25519.publicKey(clientPrivate));
        String line = "the switch at 127.0.0.1:" + testSwitch.port() + " refuses to let this vport in: this machine's key "
                + publicKey + " is not on the allow-list of network 'lab'; ask the operator to add it to"
                + " vswitch.networks.lab.allowed-clients";
        assertEquals(List.of(line), log.lines);
        assertEquals(SecureLink.State.REFUSED, link.state());
        assertEquals(LinkState.Phase.REJECTED, link.linkState().phase());
        assertEquals(ExitCode.REFUSED, gaveUp.exitCode());
        assertTrue(testSwitch.initiations.get() >= 3, "it kept trying until it gave up");
    }

    @Test
    void everyRefusalReasonSaysWhatToCheck() {
        for (HandshakeRefusal.Reason reason : HandshakeRefusal.Reason.values()) {
            JoinTrouble trouble = JoinTrouble.refused(reason, "192.0.2.1:9999", "lab", "KEY");
            assertTrue(trouble.line().startsWith("the switch at 192.0.2.1:9999 refuses to let this vport in: "), trouble.line());
            assertEquals(ExitCode.REFUSED, trouble.exitCode());
        }
        assertTrue(JoinTrouble.refused(HandshakeRefusal.Reason.UNKNOWN_SWITCH_KEY, "h:1", "lab", "K").line()
                .contains("the token comes from another switch"));
        assertTrue(JoinTrouble.refused(HandshakeRefusal.Reason.UNKNOWN_NETWORK, "h:1", "lab", "K").line()
                .contains("it has no network 'lab'"));
        assertTrue(JoinTrouble.refused(HandshakeRefusal.Reason.KEY_IN_USE, "h:1", "lab", "K").line()
                .contains("another vport with this machine's key (K) is connected"));
    }

    @Test
    void aRefusalOfAnotherInitiationIsDroppedNotBelieved() throws Exception {
        silentSwitch = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        silentSwitch.setSoTimeout((int) WAIT.toMillis());
        link = connect(silentSwitch.getLocalPort(), Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(30));
        DatagramPacket initiation = new DatagramPacket(new byte[1024], 1024);
        silentSwitch.receive(initiation);
        byte[] forged = HandshakeRefusal.encode(ByteBuffer.wrap(initiation.getData()).getInt(WireFormat.HEADER_LENGTH) + 1,
                HandshakeRefusal.Reason.KEY_IN_USE);
        silentSwitch.send(new DatagramPacket(forged, forged.length, initiation.getSocketAddress()));
        await("dropped", () -> counters.drops(LinkCounters.Drop.UNKNOWN_SESSION) == 1);
        assertEquals(SecureLink.State.CONNECTING, link.state());
        assertEquals(List.of(), log.lines);
    }

    @Test
    void aTapMtuLargerThanTheSwitchForwardsIsLoweredToFitAndSaidOnce() throws Exception {
        testSwitch = startSwitch(networkKey, 0);
        testSwitch.maxFrame = 1200;
        try (LogCapture dataPathLog = new LogCapture(DataPath.class)) {
            link = connect(testSwitch.port(), Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(5));
            awaitConnected();
            await("lowered", () -> tap.mtu == 1186);
            await("more keepalives answered", () -> counters.keepalivesReceived() >= 3);
            assertEquals(List.of("the switch forwards frames of at most 1200 bytes, so the TAP's MTU 1406 would lose every"
                    + " longer frame: MTU lowered to 1186 (give --mtu 1186 or less to start with it)"), dataPathLog.lines);
        }
    }

    @Test
    void framesIntoASwitchThatLostUsAreNoticedLongBeforeTheKeepaliveInterval() throws Exception {
        testSwitch = startSwitch(networkKey, 0);
        int port = testSwitch.port();
        link = connect(port, Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofMillis(500));
        awaitConnected();
        await("confirmed", () -> testSwitch.confirmed.get() == 1);

        testSwitch.close();
        testSwitch = startSwitch(networkKey, port); // restarted: it drops our frames as unknown sessions, answers nothing
        long start = System.nanoTime();
        tap.toVport.add(frame(PEER_MAC, TAP_MAC, 100));
        await("a probing keepalive goes unanswered, so a new handshake follows", () -> counters.handshakesCompleted() == 2);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "took " + took + " with a keepalive interval of 30 s");
        assertEquals(1, testSwitch.initiations.get());
    }

    @Test
    void severalSwitchesStartWithTheFirstThatAnswersInTheOrderGiven() throws Exception {
        silentSwitch = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        TestSwitch second = replica();
        TestSwitch third = replica();
        String silent = "127.0.0.1:" + silentSwitch.getLocalPort();
        link = connect(List.of(HostPort.parse(silent), hostPort(second), hostPort(third)), Duration.ofSeconds(1),
                Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofMillis(400));
        awaitConnected();
        assertEquals(List.of("switch " + silent + " not answering; trying " + hostPort(second),
                "connected to " + hostPort(second) + " (network lab)"), log.lines);
        assertEquals(1, second.accepted.get());
        assertEquals(0, third.initiations.get(), "the third is not tried while the second answers");
        assertEquals(new InetSocketAddress(InetAddress.getLoopbackAddress(), second.port()), link.linkState().remote());
        assertEquals(hostPort(second), link.linkState().target());
    }

    @Test
    void aSwitchThatSaysItIsShuttingDownIsLeftForTheNextWhileItStillForwards() throws Exception {
        TestSwitch first = replica();
        TestSwitch second = replica();
        first.maxFrame = 1518;
        HostPort firstAddress = hostPort(first);
        HostPort secondAddress = hostPort(second);
        link = connect(List.of(firstAddress, secondAddress), Duration.ofMillis(300), Duration.ofSeconds(30),
                Duration.ofSeconds(5), Duration.ofMillis(400));
        awaitConnected();
        await("confirmed by the first", () -> first.confirmed.get() == 1);

        first.draining = true; // alive and answering: only its keepalive replies say it is going
        await("moved on to the second", () -> log.count("connected to " + secondAddress) == 1);
        assertEquals(List.of("connected to " + firstAddress + " (network lab)",
                "switch " + firstAddress + " is shutting down; trying " + secondAddress,
                "connected to " + secondAddress + " (network lab)"), log.lines);
        await("confirmed by the second", () -> second.confirmed.get() == 1);
        tap.toVport.add(frame(PEER_MAC, TAP_MAC, 100));
        await("frames go to the second", () -> second.frames.size() == 1);
        assertEquals(0, first.frames.size(), "none to the draining one after the move");
    }

    @Test
    void whenTheSwitchInUseDiesTheNextTakesOverAndStatusSaysSo() throws Exception {
        TestSwitch first = replica();
        TestSwitch second = replica();
        TestSwitch third = replica();
        HostPort firstAddress = hostPort(first);
        HostPort secondAddress = hostPort(second);
        link = connect(List.of(firstAddress, secondAddress, hostPort(third)), Duration.ofSeconds(1),
                Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofMillis(400));
        awaitConnected();
        await("confirmed by the first", () -> first.confirmed.get() == 1);
        VportStatus.Identity identity = VportStatus.Identity.ofThisProcess("vswa", VportStatus.Mode.SECURE, firstAddress,
                NETWORK, Instant.now());
        assertEquals(firstAddress.toString(), VportStatus.of(identity, link.linkState(), counters, Instant.now()).switchTarget());

        first.close();
        long died = System.nanoTime();
        await("moved on to the second", () -> log.count("connected to " + secondAddress) == 1);
        Duration took = Duration.ofNanos(System.nanoTime() - died);
        assertEquals(List.of("connected to " + firstAddress + " (network lab)",
                "switch " + firstAddress + " not answering; trying " + secondAddress,
                "connected to " + secondAddress + " (network lab)"), log.lines);
        assertTrue(took.compareTo(Duration.ofSeconds(6)) < 0, "failover took " + took);
        await("confirmed by the second", () -> second.confirmed.get() == 1);

        byte[] out = frame(PEER_MAC, TAP_MAC, 300);
        tap.toVport.add(out);
        TestSwitch.Received received = second.frames.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(received, "frames flow to the second switch");
        assertArrayEquals(out, received.frame());
        assertEquals(0, third.initiations.get());
        VportStatus status = VportStatus.of(identity, link.linkState(), counters, Instant.now());
        assertEquals(secondAddress.toString(), status.switchTarget(), "status names the switch in use");
        assertEquals(secondAddress.toString(), status.switchAddress());
        assertTrue(status.connected());
    }

    @Test
    void whileMovingOnTheStatusIsNotConnectedAndNamesTheSwitchTried() throws Exception {
        TestSwitch first = replica();
        HostPort firstAddress = hostPort(first);
        silentSwitch = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        HostPort silent = HostPort.parse("127.0.0.1:" + silentSwitch.getLocalPort());
        link = connect(List.of(firstAddress, silent), Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(5),
                Duration.ofSeconds(3));
        awaitConnected();
        assertTrue(link.linkState().connected());
        assertEquals(firstAddress, link.linkState().target());

        first.close();
        await("moved on to the silent switch", () -> log.count("switch " + firstAddress + " not answering; trying " + silent) == 1);
        LinkState state = link.linkState();
        assertFalse(state.connected(), "the session in hand is the dead switch's: " + state);
        assertEquals(LinkState.Phase.SILENT, state.phase());
        assertEquals(silent, state.target());
        assertEquals(silentSwitch.getLocalPort(), state.remote().getPort());
        await("back to the first, still dead", () -> log.count("switch " + silent + " not answering; none of the 2") == 1);
        assertEquals(firstAddress, link.linkState().target());
        assertFalse(link.linkState().connected(), "back at the switch of the session, which still does not answer");
    }

    @Test
    void withNoSwitchAnsweringOneRoundIsLoggedThenTheyAreTriedInTurnQuietly() throws Exception {
        List<HostPort> silent = new ArrayList<>();
        List<DatagramSocket> sockets = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            socket.setSoTimeout((int) WAIT.toMillis());
            replicas.add(socket);
            sockets.add(socket);
            silent.add(HostPort.parse("127.0.0.1:" + socket.getLocalPort()));
        }
        link = connect(silent, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofMillis(200));
        for (int round = 0; round < 2; round++) {
            for (DatagramSocket socket : sockets) {
                DatagramPacket initiation = new DatagramPacket(new byte[1024], 1024);
                socket.receive(initiation);
                assertEquals(WireFormat.TYPE_INITIATION, WireFormat.typeOf(ByteBuffer.wrap(initiation.getData()), 0, initiation.getLength()),
                        "round " + round + ": each switch in turn gets an initiation");
            }
        }
        assertEquals(List.of("switch " + silent.get(0) + " not answering; trying " + silent.get(1),
                "switch " + silent.get(1) + " not answering; trying " + silent.get(2),
                "switch " + silent.get(2) + " not answering; none of the 3 switches answers, trying them in turn"), log.lines);
        assertEquals(SecureLink.State.CONNECTING, link.state());
    }

    @Test
    void theSecureDefaultMtuLeavesRoomForTheProtocol() {
        assertEquals(1406, Mtu.DEFAULT_TAP_MTU);
        assertEquals(Mtu.DEFAULT_PATH_MTU, Mtu.DEFAULT_TAP_MTU + EthernetFrame.HEADER_LENGTH + WireFormat.DATA_OVERHEAD
                + Mtu.UDP_HEADER + Mtu.IPV6_HEADER);
    }

    private TestSwitch startSwitch(byte[] switchNetworkKey, int port) throws Exception {
        return new TestSwitch(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), switchPrivate, switchNetworkKey, NETWORK, 120);
    }

    private TestSwitch replica() throws Exception {
        TestSwitch replica = startSwitch(networkKey, 0);
        replicas.add(replica);
        return replica;
    }

    private static HostPort hostPort(TestSwitch testSwitch) throws Exception {
        return HostPort.parse("127.0.0.1:" + testSwitch.port());
    }

    private SecureLink connect(int port, Duration keepalive, Duration deadAfter, Duration retry) {
        return connect(List.of(HostPort.parse("127.0.0.1:" + port)), keepalive, deadAfter, retry, Duration.ofSeconds(2));
    }

    private SecureLink connect(List<HostPort> switches, Duration keepalive, Duration deadAfter, Duration retry, Duration failover) {
        JoinToken token = new JoinToken(switches.get(0).toString(), X25519.publicKey(switchPrivate), NETWORK, networkKey, null);
        Endpoints endpoints = Endpoints.resolve(switches);
        SecureLink.Settings settings = new SecureLink.Settings(endpoints, NETWORK, Mtu.DEFAULT_TAP_MTU, keepalive, deadAfter, retry,
                failover, giveUpAfter, () -> System.nanoTime() + clockOffset.get());
        SecureLink started = new SecureLink(tap, SwitchLink.connect(endpoints.current().address(), counters), counters, settings,
                new Handshaker(token, clientPrivate, random, Clock.systemUTC()), TAP_MAC, null, stopSignal);
        started.start();
        return started;
    }

    private void awaitConnected() throws Exception {
        await("connected", () -> link.state() == SecureLink.State.CONNECTED);
    }

    private static byte[] frame(long destination, long source, int length) {
        return TestFrames.frame(destination, source, 0x0800, length);
    }

    /** Polls in this thread every 10 ms, as the vport's threads change what {@code condition} reads. */
    private void await(String what, Callable<Boolean> condition) {
        Awaitility.await(what).atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).pollInSameThread()
                .untilAsserted(() -> assertTrue(condition.call(), () -> what + "; " + "log " + log.lines + "; " + counters.summary()));
    }
}
