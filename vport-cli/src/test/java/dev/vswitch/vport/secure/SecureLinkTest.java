package dev.vswitch.vport.secure;

import java.util.Arrays;
import java.nio.ByteOrder;
import dev.vswitch.protocol.offload.Segmenter;
import dev.vswitch.protocol.offload.VirtioNetHeader;
import dev.vswitch.protocol.rendezvous.Rendezvous;
import dev.vswitch.vport.link.PathProof;
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
import dev.vswitch.vport.link.MemoryNetwork;
import dev.vswitch.vport.link.MemorySwitchConnection;
import dev.vswitch.vport.link.StopSignal;
import dev.vswitch.vport.status.StatusDirectory;
import dev.vswitch.vport.status.StatusJson;
import dev.vswitch.vport.status.StatusPublisher;
import dev.vswitch.vport.status.StatusSummary;
import dev.vswitch.vport.status.VportStatus;
import dev.vswitch.vport.tap.MemoryTap;
import dev.vswitch.protocol.testing.TestFrames;
import dev.vswitch.vport.testing.LogCapture;
import dev.vswitch.vport.values.HostPort;
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
 * The secure link against {@link TestSwitch} in a {@link MemoryNetwork}: the protocol module's responder and sessions
 * on the other side, a TAP device in memory on this side, no sockets (the vport's end-to-end tests have those).
 *
 * <p>The link's clock moves only when a test moves it: instead of the monitor's scheduled ticks, the test runs
 * {@link SecureLink#tick} itself every {@link SecureLink#TICK_MILLIS} of the link's time, and after each tick waits
 * until the vport has handled everything the switches answered. So failover, --dead-after, keepalive intervals and
 * --give-up-after take as many ticks as they would, in no time, and every wait is bounded.
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
    /** Without offload, unless a test makes one with. */
    private MemoryTap tap = new MemoryTap();
    private final LinkCounters counters = new LinkCounters();
    private final StopSignal stopSignal = new StopSignal();
    private final LogCapture log = new LogCapture(SecureLink.class);
    private final MemoryNetwork memory = new MemoryNetwork();
    /** The link's monotonic clock, in nanoseconds; only the test moves it. */
    private final AtomicLong clock = new AtomicLong(1_000_000_000_000L);
    private TestSwitch testSwitch;
    private MemoryNetwork.Silent silentSwitch;
    private MemorySwitchConnection connection;
    private SecureLink link;
    /** --give-up-after of the links a test connects; zero: never. */
    private Duration giveUpAfter = Duration.ZERO;

    @AfterEach
    void stopEverything() throws Exception {
        try {
            if (link != null) {
                link.close();
            }
        } finally {
            log.close();
        }
    }

    @Test
    void handshakesThenCarriesFramesBothWaysAndKeepalivesAreAnsweredNotDelivered() throws Exception {
        testSwitch = startSwitch(networkKey);
        link = connect(testSwitch.address(), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(5));
        awaitConnected();
        assertEquals("connected to 127.0.0.1:" + testSwitch.port() + " (network lab)", log.lines.get(0));
        runUntil("the switch saw the confirming keepalive", () -> testSwitch.confirmed.get() == 1);

        byte[] out = frame(PEER_MAC, TAP_MAC, 1400);
        tap.toVport.add(out);
        TestSwitch.Received received = testSwitch.frames.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(received, "the frame from the TAP reached the switch");
        assertArrayEquals(out, received.frame());

        byte[] in = frame(TAP_MAC, PEER_MAC, 60);
        testSwitch.sendFrame(in);
        assertArrayEquals(in, tap.written.poll(WAIT.toSeconds(), TimeUnit.SECONDS), "the frame from the switch reached the TAP");

        runUntil("periodic keepalives are answered", () -> counters.keepalivesReceived() >= 3);
        assertTrue(testSwitch.keepalivesAnswered.get() >= 3);
        assertNull(tap.written.poll(), "keepalive replies are not written to the TAP");
        assertEquals(1, counters.framesToSwitch());
        assertEquals(1, counters.framesFromSwitch());
        assertEquals(1, counters.handshakesCompleted());
        assertEquals(1, testSwitch.initiations.get(), "one handshake is enough");
        assertEquals(1, log.lines.size(), "only the state change is logged: " + log.lines);
        assertFalse(stopSignal.isStopped());
    }

    /**
     * --offload=auto on a path that carries large datagrams, then drops them (IP fragments dropped), then carries them
     * again: offload messages only while the switch echoes the probes, and the switch told at once each time.
     */
    @Test
    void offloadAutoUsesLargeDatagramsOnlyWhileTheSwitchEchoesProbes() throws Exception {
        tap = new MemoryTap(true);
        testSwitch = startSwitch(networkKey);
        try (LogCapture pathLog = new LogCapture(PathProof.class)) {
            link = connect(testSwitch.address(), Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(5));
            awaitConnected();
            assertEquals(0, testSwitch.offloadKeepalives.get(), "no offer before the path is proven");
            long connectedAt = clock.get();
            runUntil("the path proven and offered to the switch", () -> testSwitch.offloadKeepalives.get() == 1);
            assertTrue(clock.get() - connectedAt <= TimeUnit.MILLISECONDS.toNanos(300), "within a tick or two, not a keepalive interval");
            assertEquals(1, testSwitch.probesEchoed.get());
            assertEquals(PathProof.Verdict.PROVEN, link.linkState().offload().verdict());
            assertEquals(List.of("vport: the path to switch 127.0.0.1:" + testSwitch.port()
                    + " carries large datagrams: offload in use"), pathLog.lines);

            memory.carryAtMost(1500);
            long brokeAt = clock.get();
            int ordinaryBefore = testSwitch.keepalivesAnswered.get() - testSwitch.offloadKeepalives.get();
            runWithFramesUntil("the fallback", () -> link.linkState().offload().verdict() == PathProof.Verdict.FELL_BACK);
            long fellBackAfter = clock.get() - brokeAt;
            assertTrue(fellBackAfter <= TimeUnit.MILLISECONDS.toNanos(3_500), "small frames only: a probe every 2 s, so"
                    + " within 3.5 s; took " + fellBackAfter / 1_000_000 + " ms");
            runUntil("an ordinary keepalive tells the switch at once",
                    () -> testSwitch.keepalivesAnswered.get() - testSwitch.offloadKeepalives.get() > ordinaryBefore);
            assertTrue(clock.get() - brokeAt - fellBackAfter <= TimeUnit.MILLISECONDS.toNanos(100));
            assertEquals(1, link.linkState().offload().fallbacks());
            assertTrue(pathLog.lines.get(1).contains("stopped carrying large datagrams (IP fragments dropped on the way?)"),
                    pathLog.lines.toString());

            memory.carryAtMost(Integer.MAX_VALUE);
            runUntil("proven again", () -> link.linkState().offload().verdict() == PathProof.Verdict.PROVEN);
            runUntil("and offered again", () -> testSwitch.offloadKeepalives.get() == 2);
            assertEquals(3, pathLog.lines.size(), pathLog.lines.toString());
            assertTrue(pathLog.lines.get(2).endsWith("carries large datagrams again: offload resumed"), pathLog.lines.toString());
        }
    }

    /**
     * With offload the TAP takes a virtio_net_hdr before every frame: an ordinary message's frame gets an all-zero one,
     * also right after an offload message whose header asked the kernel to complete a checksum.
     */
    @Test
    void anOrdinaryFrameAfterAnOffloadMessageReachesTheTapBehindAnAllZeroHeader() throws Exception {
        tap = new MemoryTap(true);
        testSwitch = startSwitch(networkKey);
        link = connect(testSwitch.address(), Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(5));
        awaitConnected();
        byte[] frame = frame(TAP_MAC, PEER_MAC, 200);
        byte[] needsChecksum = new byte[VirtioNetHeader.LENGTH + frame.length];
        ByteBuffer header = ByteBuffer.wrap(needsChecksum).order(ByteOrder.LITTLE_ENDIAN);
        header.put(0, (byte) VirtioNetHeader.F_NEEDS_CSUM).putShort(6, (short) 34).putShort(8, (short) 16);
        System.arraycopy(frame, 0, needsChecksum, VirtioNetHeader.LENGTH, frame.length);
        testSwitch.sendOffloadPacket(needsChecksum);
        assertArrayEquals(needsChecksum, tap.written.poll(WAIT.toSeconds(), TimeUnit.SECONDS), "as the switch sent it");

        testSwitch.sendFrame(frame);
        byte[] written = tap.written.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(written);
        assertArrayEquals(new byte[VirtioNetHeader.LENGTH], Arrays.copyOf(written, VirtioNetHeader.LENGTH),
                "no header left over from the offload message");
        assertArrayEquals(frame, Arrays.copyOfRange(written, VirtioNetHeader.LENGTH, written.length));
    }

    /**
     * A TCP segment from the TAP while the path does not carry large datagrams: cut into frames of the MSS, sealed back
     * to back, and handed over in one send (one system call with UDP GSO); the switch gets every frame, in order.
     */
    @Test
    void aTcpSegmentOnAnUnprovenPathIsCutIntoFramesThatLeaveInOneSend() throws Exception {
        tap = new MemoryTap(true);
        memory.carryAtMost(1500);
        testSwitch = startSwitch(networkKey);
        link = connect(testSwitch.address(), Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(5));
        awaitConnected();
        int gsoSize = 1300;
        tap.toVport.add(TestFrames.tcpSuperFrame(PEER_MAC, TAP_MAC, gsoSize, 20 * gsoSize + 100));
        List<TestSwitch.Received> frames = new ArrayList<>();
        for (int i = 0; i < 21; i++) {
            TestSwitch.Received received = testSwitch.frames.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(received, "frame " + i);
            frames.add(received);
        }
        assertNull(testSwitch.frames.poll(100, TimeUnit.MILLISECONDS), "21 frames, no more");
        for (int i = 0; i < 21; i++) {
            byte[] frame = frames.get(i).frame();
            int payload = i < 20 ? gsoSize : 100;
            assertEquals(TestFrames.TCP_IPV4_HEADERS + payload, frame.length, "frame " + i);
            for (int j = 0; j < payload; j++) {
                assertEquals((byte) ((i * gsoSize + j) * 7), frame[TestFrames.TCP_IPV4_HEADERS + j], "frame " + i + " byte " + j);
            }
        }
        assertEquals(1, connection.segmentSends.get(), "all 21 in one send");
        assertEquals(21, counters.framesToSwitch());
        assertEquals(0, counters.offloadSent());
    }

    /**
     * The frames a TCP segment was cut into, arriving together (as one coalesced read brings them): joined back into
     * one super-frame for the TAP, which the kernel takes as one packet; the frames are counted one by one.
     */
    @Test
    void tcpFramesThatArriveTogetherGoOntoTheTapAsOneSuperFrame() throws Exception {
        tap = new MemoryTap(true);
        testSwitch = startSwitch(networkKey);
        link = connect(testSwitch.address(), Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(5));
        awaitConnected();
        int gsoSize = 1300;
        byte[] superFrame = TestFrames.tcpSuperFrame(TAP_MAC, PEER_MAC, gsoSize, 20 * gsoSize + 100);
        List<byte[]> frames = new ArrayList<>();
        new Segmenter(false).split(ByteBuffer.wrap(superFrame), 0, superFrame.length, 1, 65_536, piece -> {
            frames.add(Arrays.copyOfRange(piece.array(), VirtioNetHeader.LENGTH, piece.limit()));
            return true;
        });
        assertEquals(21, frames.size());
        long before = counters.framesFromSwitch();

        connection.deliverTogether(() -> frames.forEach(testSwitch::sendFrame));
        byte[] written = tap.written.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(written);
        assertTrue(tap.written.poll(100, TimeUnit.MILLISECONDS) == null, "one write");
        ByteBuffer header = ByteBuffer.wrap(written);
        assertEquals(VirtioNetHeader.GSO_TCPV4, VirtioNetHeader.gsoType(header, 0));
        assertEquals(gsoSize, VirtioNetHeader.gsoSize(header, 0));
        assertEquals(superFrame.length, written.length, "all of the payload");
        assertArrayEquals(Arrays.copyOfRange(superFrame, VirtioNetHeader.LENGTH + TestFrames.TCP_IPV4_HEADERS, superFrame.length),
                Arrays.copyOfRange(written, VirtioNetHeader.LENGTH + TestFrames.TCP_IPV4_HEADERS, written.length));
        assertEquals(before + 21, counters.framesFromSwitch());

        testSwitch.sendFrame(frames.get(0)); // alone: written at once, as it came
        byte[] alone = tap.written.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(alone);
        assertArrayEquals(frames.get(0), Arrays.copyOfRange(alone, VirtioNetHeader.LENGTH, alone.length));
    }

    @Test
    void publishesAStatusFileThatSaysConnectedWithRttAndCountsAndRemovesItAtStop(@TempDir Path dir) throws Exception {
        testSwitch = startSwitch(networkKey);
        int port = testSwitch.port();
        link = connect(testSwitch.address(), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(5));
        StatusDirectory directory = new StatusDirectory(dir.resolve("run/vport"));
        Instant started = Instant.now();
        VportStatus.Identity identity = VportStatus.Identity.ofThisProcess("vswa", VportStatus.Mode.SECURE,
                HostPort.parse("127.0.0.1:" + port), NETWORK, started);
        Path file = directory.fileOf("vswa");
        try (StatusPublisher publisher = StatusPublisher.start(directory, identity, link, counters)) {
            awaitConnected();
            runUntil("confirmed", () -> testSwitch.confirmed.get() == 1);
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
            assertTrue(status.rttMillis() >= 0 && status.rttMillis() < 1_000, "a round trip in memory: " + status.rttMillis());
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

    /** With the monitor's own ticks, as the vport starts the link; the clock stands still, so no retry comes. */
    @Test
    void aCookieReplyIsOpenedAndTheInitiationSentAgainWithMac2() throws Exception {
        testSwitch = startSwitch(networkKey);
        testSwitch.cookieMode = true;
        link = connectScheduled(testSwitch.address(), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(5));
        await("connected", () -> link.state() == SecureLink.State.CONNECTED);
        assertEquals(1, testSwitch.cookiesSent.get());
        assertEquals(1, counters.cookiesReceived());
        assertEquals(2, testSwitch.initiations.get(), "the first without, the second with the cookie");
        assertEquals(1, testSwitch.initiationsWithCookie.get());
        assertTrue(counters.summary().contains("handshakes 1 completed/0 failed, 1 cookie,"), counters.summary());
    }

    /** Finding 5 of issue 18: a forged response made the vport drop the genuine one and wait for the retry. */
    @Test
    void aForgedResponseBeforeTheGenuineOneIsCountedAndTheGenuineOneConnects() throws Exception {
        testSwitch = startSwitch(networkKey);
        testSwitch.forgeFirst = true;
        link = connectScheduled(testSwitch.address(), Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(30));
        await("connected", () -> link.state() == SecureLink.State.CONNECTED);
        assertEquals(1, counters.handshakesFailed(), "the forgery is counted");
        assertEquals(1, counters.handshakesCompleted());
        assertEquals(1, testSwitch.initiations.get(), "no retry was needed");
        assertEquals(List.of("connected to 127.0.0.1:" + testSwitch.port() + " (network lab)"), log.lines,
                "and not told as a wrong network key");
    }

    @Test
    void aWrongNetworkKeyIsReportedInOneLineAndRetriedWithoutEnding() throws Exception {
        testSwitch = startSwitch(X25519.generatePrivateKey(random));
        link = connect(testSwitch.address(), Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMillis(300));
        runUntil("three attempts", () -> testSwitch.initiations.get() >= 3 && counters.handshakesFailed() >= 3);
        assertEquals(List.of(SecureLink.HANDSHAKE_FAILED_LINE), log.lines, "one line, however many attempts");
        assertEquals(SecureLink.State.REJECTED, link.state());
        assertEquals(0, counters.handshakesCompleted());
        assertFalse(stopSignal.isStopped(), "a wrong key does not end the vport");
        tap.toVport.add(frame(PEER_MAC, TAP_MAC, 100));
        await("no session, so the frame is dropped", () -> counters.drops(LinkCounters.Drop.NO_SESSION) == 1);
    }

    @Test
    void aSwitchThatForgotEverythingIsJoinedAgainByItself() throws Exception {
        testSwitch = startSwitch(networkKey);
        int port = testSwitch.port();
        link = connect(testSwitch.address(), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMillis(500));
        awaitConnected();
        runUntil("confirmed", () -> testSwitch.confirmed.get() == 1);
        Session before = link.currentSession();

        testSwitch = startSwitch(networkKey, testSwitch.address()); // the same keys, no sessions: a restarted switch
        runUntil("vport notices the silence", () -> log.count("waiting for handshake response from 127.0.0.1:" + port + " (no answer for 2 s)") == 1);
        runUntil("and joins again", () -> log.count("connected to 127.0.0.1:" + port + " (network lab)") == 2);
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
        testSwitch = startSwitch(networkKey);
        int port = testSwitch.port();
        link = connect(testSwitch.address(), Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofMillis(500));
        awaitConnected();
        runUntil("confirmed", () -> testSwitch.confirmed.get() == 1);

        testSwitch = startSwitch(networkKey, testSwitch.address()); // restarted: it drops our keepalives as unknown sessions
        runUntil("a second handshake within a few seconds", () -> counters.handshakesCompleted() == 2);
        assertEquals(List.of("connected to 127.0.0.1:" + port + " (network lab)"), log.lines,
                "recovered without ever waiting for --dead-after");
        byte[] out = frame(PEER_MAC, TAP_MAC, 120);
        tap.toVport.add(out);
        TestSwitch.Received received = testSwitch.frames.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(received, "frames flow to the restarted switch");
    }

    @Test
    void rekeysAfterTwoMinutesAndStillOpensPacketsInFlightInThePreviousSession() throws Exception {
        testSwitch = startSwitch(networkKey);
        link = connect(testSwitch.address(), Duration.ofSeconds(1), Duration.ofSeconds(600), Duration.ofSeconds(5));
        awaitConnected();
        runUntil("confirmed", () -> testSwitch.hasConfirmedClient());
        Session first = link.currentSession();

        clock.addAndGet(Duration.ofSeconds(WireFormat.REKEY_AFTER_SECONDS + 1).toNanos());
        runUntil("a new session after REKEY_AFTER_SECONDS", () -> link.currentSession() != first && testSwitch.confirmed.get() == 2);
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

        clock.addAndGet(Duration.ofSeconds(WireFormat.REJECT_AFTER_SECONDS - WireFormat.REKEY_AFTER_SECONDS).toNanos());
        testSwitch.sendFrameOnPrevious(frame(TAP_MAC, PEER_MAC, 80));
        await("the old keys expire", () -> counters.drops(LinkCounters.Drop.UNKNOWN_SESSION) >= 1);
        assertNull(tap.written.poll(), "nothing from expired keys reaches the TAP");
    }

    @Test
    void forgedReplayedUnknownAndMalformedDatagramsAreCountedNotDelivered() throws Exception {
        testSwitch = startSwitch(networkKey);
        link = connect(testSwitch.address(), Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(5));
        awaitConnected();
        runUntil("confirmed", () -> testSwitch.hasConfirmedClient());
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
        InetSocketAddress silent = silentSwitch();
        link = connect(silent, Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMillis(300));
        MemoryNetwork.Datagram first = silentSwitch.received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(first);
        assertEquals(WireFormat.TYPE_INITIATION, WireFormat.typeOf(ByteBuffer.wrap(first.bytes()), 0, first.bytes().length));

        tap.toVport.add(frame(PEER_MAC, TAP_MAC, 100));
        await("a frame without a session is dropped", () -> counters.drops(LinkCounters.Drop.NO_SESSION) == 1);
        runUntil("silence reported", () -> log.count("no answer from the switch") == 1);
        runUntil("silent after --dead-after, six retries later", () -> link.state() == SecureLink.State.SILENT);
        assertEquals(List.of("no answer from the switch at 127.0.0.1:" + silent.getPort() + " to any handshake: check that the host is up"
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
        InetSocketAddress closed = memory.newAddress(); // nothing bound there: "port unreachable" comes back
        giveUpAfter = Duration.ofSeconds(2);
        link = connect(closed, Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofMillis(300));
        runUntil("given up", stopSignal::isStopped);
        VportException gaveUp = stopSignal.await();
        String line = "nothing listens on udp 127.0.0.1:" + closed.getPort() + " (ICMP port unreachable): is the switch running there,"
                + " and is this its port (vswitch.port, 9999 by default)?";
        assertEquals(List.of(line), log.lines, "said once, however many attempts");
        assertEquals(ExitCode.NO_SWITCH, gaveUp.exitCode());
        assertEquals("gave up after 2 s (--give-up-after): " + line, gaveUp.getMessage());
    }

    @Test
    void aRefusalIsToldWithItsReasonAndWhatToDoAndGivingUpEndsWithItsExitCode() throws Exception {
        testSwitch = startSwitch(networkKey);
        testSwitch.refuseWith = HandshakeRefusal.Reason.CLIENT_NOT_ALLOWED;
        giveUpAfter = Duration.ofSeconds(2);
        link = connect(testSwitch.address(), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofMillis(300));
        runUntil("given up", stopSignal::isStopped);
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
        InetSocketAddress silent = silentSwitch();
        link = connect(silent, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(30));
        MemoryNetwork.Datagram initiation = silentSwitch.received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(initiation);
        byte[] forged = HandshakeRefusal.encode(ByteBuffer.wrap(initiation.bytes()).getInt(WireFormat.HEADER_LENGTH) + 1,
                HandshakeRefusal.Reason.KEY_IN_USE);
        memory.send(forged, silent, initiation.from());
        await("dropped", () -> counters.drops(LinkCounters.Drop.UNKNOWN_SESSION) == 1);
        assertEquals(SecureLink.State.CONNECTING, link.state());
        assertEquals(List.of(), log.lines);
    }

    @Test
    void aSwitchThatIntroducesIsToldTheEndpointsOnceASessionAndItsIntroductionsAreListedNotDelivered() throws Exception {
        testSwitch = startSwitch(networkKey);
        testSwitch.maxFrame = 1518;
        link = connect(testSwitch.address(), Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(5));
        awaitConnected();
        runUntil("keepalives answered", () -> counters.keepalivesReceived() >= 2);
        assertNull(testSwitch.frames.poll(), "nothing is reported to a switch that does not introduce");

        testSwitch.introduces = true;
        runUntil("the endpoints reported", () -> !testSwitch.frames.isEmpty());
        byte[] report = testSwitch.frames.poll().frame();
        ByteBuffer reported = ByteBuffer.wrap(report);
        assertEquals(Rendezvous.ENDPOINTS, Rendezvous.kind(reported, 0, report.length));
        assertEquals(TAP_MAC, EthernetFrame.source(reported, 0));
        assertNotNull(Rendezvous.readEndpoints(reported, 0, report.length), "a well-formed list of this host's addresses");
        runUntil("more keepalives answered", () -> counters.keepalivesReceived() >= 6);
        assertNull(testSwitch.frames.poll(), "once a session");

        byte[] key = new byte[32];
        random.nextBytes(key);
        // Loopback: the link starts punching towards the peer at once, and test traffic stays on this machine.
        InetSocketAddress seenAt = new InetSocketAddress(InetAddress.getByName("127.0.0.7"), 61000);
        ByteBuffer peer = ByteBuffer.allocate(200);
        Rendezvous.writePeer(peer, TAP_MAC, new Rendezvous.PeerIntro(key, PEER_MAC, seenAt, List.of()));
        testSwitch.sendFrame(Arrays.copyOf(peer.array(), peer.limit()));
        await("the peer listed", () -> link.linkState().peers().size() == 1);
        LinkState.Peer listed = link.linkState().peers().get(0);
        assertEquals(PEER_MAC, listed.mac());
        assertEquals(seenAt, listed.observed());
        testSwitch.sendFrame(Arrays.copyOf(peer.array(), peer.limit() - 1)); // cut short
        await("the malformed one counted", () -> counters.drops(LinkCounters.Drop.MALFORMED) == 1);
        assertNull(tap.written.poll(), "introductions never reach the TAP");
        VportStatus.Identity identity = VportStatus.Identity.ofThisProcess("vswa", VportStatus.Mode.SECURE,
                hostPort(testSwitch.address()), NETWORK, Instant.now());
        VportStatus status = VportStatus.of(identity, link.linkState(), counters, Instant.now());
        assertEquals(List.of("127.0.0.7:61000"), status.peers().stream().map(VportStatus.Peer::endpoint).toList());
        assertEquals("punching", status.peers().get(0).path(), "nothing answers there, and the punch lasts 5 s");
    }

    @Test
    void aTapMtuLargerThanTheSwitchForwardsIsLoweredToFitAndSaidOnce() throws Exception {
        testSwitch = startSwitch(networkKey);
        testSwitch.maxFrame = 1200;
        try (LogCapture dataPathLog = new LogCapture(DataPath.class)) {
            link = connect(testSwitch.address(), Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(5));
            awaitConnected();
            runUntil("lowered", () -> tap.mtu == 1186);
            runUntil("more keepalives answered", () -> counters.keepalivesReceived() >= 3);
            assertEquals(List.of("the switch forwards frames of at most 1200 bytes, so the TAP's MTU 1406 would lose every"
                    + " longer frame: MTU lowered to 1186 (give --mtu 1186 or less to start with it)"), dataPathLog.lines);
        }
    }

    @Test
    void framesIntoASwitchThatLostUsAreNoticedLongBeforeTheKeepaliveInterval() throws Exception {
        testSwitch = startSwitch(networkKey);
        link = connect(testSwitch.address(), Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofMillis(500));
        awaitConnected();
        runUntil("confirmed", () -> testSwitch.confirmed.get() == 1);

        testSwitch = startSwitch(networkKey, testSwitch.address()); // restarted: it drops our frames as unknown sessions, answers nothing
        long start = clock.get();
        tap.toVport.add(frame(PEER_MAC, TAP_MAC, 100));
        await("the frame went out", () -> counters.framesToSwitch() == 1); // before the link's time moves on
        runUntil("a probing keepalive goes unanswered, so a new handshake follows", () -> counters.handshakesCompleted() == 2);
        Duration took = Duration.ofNanos(clock.get() - start);
        assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "took " + took + " with a keepalive interval of 30 s");
        assertEquals(1, testSwitch.initiations.get());
    }

    @Test
    void severalSwitchesStartWithTheFirstThatAnswersInTheOrderGiven() throws Exception {
        HostPort silent = hostPort(silentSwitch());
        TestSwitch second = startSwitch(networkKey);
        TestSwitch third = startSwitch(networkKey);
        link = connect(List.of(silent, hostPort(second.address()), hostPort(third.address())), Duration.ofSeconds(1),
                Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofMillis(400));
        awaitConnected();
        assertEquals(List.of("switch " + silent + " not answering; trying " + hostPort(second.address()),
                "connected to " + hostPort(second.address()) + " (network lab)"), log.lines);
        assertEquals(1, second.accepted.get());
        assertEquals(0, third.initiations.get(), "the third is not tried while the second answers");
        assertEquals(second.address(), link.linkState().remote());
        assertEquals(hostPort(second.address()), link.linkState().target());
    }

    @Test
    void aSwitchThatSaysItIsShuttingDownIsLeftForTheNextWhileItStillForwards() throws Exception {
        TestSwitch first = startSwitch(networkKey);
        TestSwitch second = startSwitch(networkKey);
        first.maxFrame = 1518;
        HostPort firstAddress = hostPort(first.address());
        HostPort secondAddress = hostPort(second.address());
        link = connect(List.of(firstAddress, secondAddress), Duration.ofMillis(300), Duration.ofSeconds(30),
                Duration.ofSeconds(5), Duration.ofMillis(400));
        awaitConnected();
        runUntil("confirmed by the first", () -> first.confirmed.get() == 1);

        first.draining = true; // alive and answering: only its keepalive replies say it is going
        runUntil("moved on to the second", () -> log.count("connected to " + secondAddress) == 1);
        assertEquals(List.of("connected to " + firstAddress + " (network lab)",
                "switch " + firstAddress + " is shutting down; trying " + secondAddress,
                "connected to " + secondAddress + " (network lab)"), log.lines);
        runUntil("confirmed by the second", () -> second.confirmed.get() == 1);
        tap.toVport.add(frame(PEER_MAC, TAP_MAC, 100));
        await("frames go to the second", () -> second.frames.size() == 1);
        assertEquals(0, first.frames.size(), "none to the draining one after the move");
    }

    @Test
    void whenTheSwitchInUseDiesTheNextTakesOverAndStatusSaysSo() throws Exception {
        TestSwitch first = startSwitch(networkKey);
        TestSwitch second = startSwitch(networkKey);
        TestSwitch third = startSwitch(networkKey);
        HostPort firstAddress = hostPort(first.address());
        HostPort secondAddress = hostPort(second.address());
        link = connect(List.of(firstAddress, secondAddress, hostPort(third.address())), Duration.ofSeconds(1),
                Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofMillis(400));
        awaitConnected();
        runUntil("confirmed by the first", () -> first.confirmed.get() == 1);
        VportStatus.Identity identity = VportStatus.Identity.ofThisProcess("vswa", VportStatus.Mode.SECURE, firstAddress,
                NETWORK, Instant.now());
        assertEquals(firstAddress.toString(), VportStatus.of(identity, link.linkState(), counters, Instant.now()).switchTarget());

        memory.unbind(first.address()); // it died
        long died = clock.get();
        runUntil("moved on to the second", () -> log.count("connected to " + secondAddress) == 1);
        Duration took = Duration.ofNanos(clock.get() - died);
        assertEquals(List.of("connected to " + firstAddress + " (network lab)",
                "switch " + firstAddress + " not answering; trying " + secondAddress,
                "connected to " + secondAddress + " (network lab)"), log.lines);
        assertTrue(took.compareTo(Duration.ofSeconds(6)) < 0, "failover took " + took);
        runUntil("confirmed by the second", () -> second.confirmed.get() == 1);

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
        TestSwitch first = startSwitch(networkKey);
        HostPort firstAddress = hostPort(first.address());
        InetSocketAddress silentAddress = silentSwitch();
        HostPort silent = hostPort(silentAddress);
        link = connect(List.of(firstAddress, silent), Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(5),
                Duration.ofSeconds(3));
        awaitConnected();
        assertTrue(link.linkState().connected());
        assertEquals(firstAddress, link.linkState().target());

        memory.unbind(first.address()); // it died
        runUntil("moved on to the silent switch", () -> log.count("switch " + firstAddress + " not answering; trying " + silent) == 1);
        LinkState state = link.linkState();
        assertFalse(state.connected(), "the session in hand is the dead switch's: " + state);
        assertEquals(LinkState.Phase.SILENT, state.phase());
        assertEquals(silent, state.target());
        assertEquals(silentAddress.getPort(), state.remote().getPort());
        runUntil("back to the first, still dead", () -> log.count("switch " + silent + " not answering; none of the 2") == 1);
        assertEquals(firstAddress, link.linkState().target());
        assertFalse(link.linkState().connected(), "back at the switch of the session, which still does not answer");
    }

    @Test
    void withNoSwitchAnsweringOneRoundIsLoggedThenTheyAreTriedInTurnQuietly() throws Exception {
        List<HostPort> silent = new ArrayList<>();
        List<MemoryNetwork.Silent> switches = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            MemoryNetwork.Silent quiet = new MemoryNetwork.Silent();
            switches.add(quiet);
            silent.add(hostPort(memory.bind(quiet)));
        }
        link = connect(silent, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofMillis(200));
        runUntil("two rounds", () -> switches.get(2).received.size() >= 2);
        for (int round = 0; round < 2; round++) {
            for (MemoryNetwork.Silent quiet : switches) {
                byte[] initiation = quiet.received.poll().bytes();
                assertEquals(WireFormat.TYPE_INITIATION, WireFormat.typeOf(ByteBuffer.wrap(initiation), 0, initiation.length),
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
        assertEquals(1406, WireFormat.DEFAULT_TAP_MTU);
        assertEquals(Mtu.DEFAULT_PATH_MTU, WireFormat.DEFAULT_TAP_MTU + EthernetFrame.HEADER_LENGTH + WireFormat.DATA_OVERHEAD
                + Mtu.UDP_HEADER + Mtu.IPV6_HEADER);
    }

    private TestSwitch startSwitch(byte[] switchNetworkKey) {
        return startSwitch(switchNetworkKey, memory.newAddress());
    }

    /** A switch at {@code address}, in place of the one there: with the same keys but no sessions, it is a restarted one. */
    private TestSwitch startSwitch(byte[] switchNetworkKey, InetSocketAddress address) {
        return TestSwitch.bind(memory, address, switchPrivate, switchNetworkKey, NETWORK);
    }

    /** Binds the test's {@link #silentSwitch} and returns its address. */
    private InetSocketAddress silentSwitch() {
        silentSwitch = new MemoryNetwork.Silent();
        return memory.bind(silentSwitch);
    }

    private static HostPort hostPort(InetSocketAddress address) {
        return HostPort.parse("127.0.0.1:" + address.getPort());
    }

    private SecureLink connect(InetSocketAddress address, Duration keepalive, Duration deadAfter, Duration retry) {
        return connect(List.of(hostPort(address)), keepalive, deadAfter, retry, Duration.ofSeconds(2));
    }

    /**
     * A link whose monitor the test runs: started with the first tick, as {@link SecureLink#start} does at once, and the
     * switch's answers to it handled.
     */
    private SecureLink connect(List<HostPort> switches, Duration keepalive, Duration deadAfter, Duration retry, Duration failover) {
        SecureLink started = newLink(switches, keepalive, deadAfter, retry, failover);
        started.startForwarding();
        started.tick();
        awaitHandled();
        return started;
    }

    /** A link started as the vport starts it, with the monitor's scheduled ticks. */
    private SecureLink connectScheduled(InetSocketAddress address, Duration keepalive, Duration deadAfter, Duration retry) {
        SecureLink started = newLink(List.of(hostPort(address)), keepalive, deadAfter, retry, Duration.ofSeconds(2));
        started.start();
        return started;
    }

    private SecureLink newLink(List<HostPort> switches, Duration keepalive, Duration deadAfter, Duration retry, Duration failover) {
        JoinToken token = new JoinToken(switches.get(0).toString(), X25519.publicKey(switchPrivate), NETWORK, networkKey, null);
        Endpoints endpoints = Endpoints.resolve(switches);
        SecureLink.Settings settings = new SecureLink.Settings(endpoints, NETWORK, WireFormat.DEFAULT_TAP_MTU, keepalive, deadAfter, retry,
                failover, giveUpAfter, clock::get, PathProof.Mode.AUTO, "vswtest");
        connection = memory.connect(endpoints.current().address(), counters);
        return new SecureLink(tap, connection, counters, settings, new Handshaker(token, clientPrivate, random, Clock.systemUTC()),
                TAP_MAC, null, stopSignal);
    }

    private void awaitConnected() throws Exception {
        runUntil("connected", () -> link.state() == SecureLink.State.CONNECTED);
    }

    /**
     * Runs the link's monitor tick by tick, each {@link SecureLink#TICK_MILLIS} later on its clock, until {@code condition}
     * holds; fails when it does not within {@link #WAIT} of the link's time.
     */
    private void runUntil(String what, Callable<Boolean> condition) throws Exception {
        long deadline = clock.get() + WAIT.toNanos();
        while (!condition.call()) {
            assertTrue(clock.get() - deadline < 0, () -> what + " within " + WAIT + " of the link's time; log " + log.lines
                    + "; " + counters.summary());
            clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(SecureLink.TICK_MILLIS));
            link.tick();
            awaitHandled();
        }
    }

    /** As {@link #runUntil}, with a small frame from the switch to the TAP at every tick: a LAN in use. */
    private void runWithFramesUntil(String what, Callable<Boolean> condition) throws Exception {
        long deadline = clock.get() + WAIT.toNanos();
        while (!condition.call()) {
            assertTrue(clock.get() - deadline < 0, () -> what + " within " + WAIT + " of the link's time; " + counters.summary());
            testSwitch.sendFrame(frame(TAP_MAC, PEER_MAC, 60));
            clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(SecureLink.TICK_MILLIS));
            link.tick();
            awaitHandled();
        }
    }

    /** Waits until the vport's receiving thread has handled all the switches sent, so the next tick sees its effects. */
    private void awaitHandled() {
        if (!connection.handledAll()) {
            Awaitility.await("the vport handled what the switches sent").atMost(WAIT).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(1)).pollInSameThread().until(connection::handledAll);
        }
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
