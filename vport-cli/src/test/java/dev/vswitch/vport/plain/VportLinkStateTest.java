package dev.vswitch.vport.plain;

import dev.vswitch.vport.link.PathProof;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.Keepalive;
import dev.vswitch.protocol.Mtu;
import dev.vswitch.vport.link.LinkCounters;
import dev.vswitch.vport.link.LinkState;
import dev.vswitch.vport.link.StopSignal;
import dev.vswitch.vport.link.SwitchLink;
import dev.vswitch.vport.status.StatusDirectory;
import dev.vswitch.vport.status.StatusJson;
import dev.vswitch.vport.status.StatusPublisher;
import dev.vswitch.vport.status.VportStatus;
import dev.vswitch.vport.tap.FrameDevice;
import dev.vswitch.vport.values.HostPort;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plain vport's state for {@code vport status}, against a switch on 127.0.0.1 that answers keepalives
 * (as ours does in the plain format too), with a TAP that carries nothing. Every wait is bounded.
 */
class VportLinkStateTest {

    private static final long TAP_MAC = 0x02005e100001L;
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final LinkCounters counters = new LinkCounters();
    private final StopSignal stopSignal = new StopSignal();
    private DatagramSocket fakeSwitch;
    private Thread answering;
    private volatile boolean answer = true;
    private Vport vport;

    @AfterEach
    void stop() throws Exception {
        if (vport != null) {
            vport.close();
        }
        answer = false;
        if (answering != null) {
            answering.join(5_000);
        }
        if (fakeSwitch != null) {
            fakeSwitch.close();
        }
    }

    @Test
    void connectedOnceTheSwitchAnswersWithTheKeepaliveRoundTripMeasured(@TempDir Path dir) throws Exception {
        startSwitch(true);
        vport = start(Duration.ofSeconds(1), Duration.ofSeconds(3));
        StatusDirectory directory = new StatusDirectory(dir);
        VportStatus.Identity identity = VportStatus.Identity.ofThisProcess("vswb", VportStatus.Mode.LEGACY, target(), null, Instant.now());
        try (StatusPublisher publisher = StatusPublisher.start(directory, identity, vport, counters)) {
            await("connected with a round trip measured", () -> vport.linkState().connected() && vport.linkState().rtt().measured());
            LinkState state = vport.linkState();
            assertEquals(LinkState.Phase.CONNECTED, state.phase());
            assertEquals(fakeSwitch.getLocalSocketAddress(), state.remote());
            assertTrue(state.rtt().lastMillis() >= 0 && state.rtt().lastMillis() < 1_000, state.rtt().toString());
            assertNull(state.sessionAge(), "the plain format has no sessions");
            assertNull(state.sinceHandshake());

            await("the status file says so", () -> directory.read("vswb").map(entry -> entry.status().connected()
                    && entry.status().rttMillis() != null).orElse(false));
            VportStatus status = directory.read("vswb").orElseThrow().status();
            assertEquals(VportStatus.Mode.LEGACY, status.mode());
            assertNull(status.network());
            assertEquals("127.0.0.1:" + fakeSwitch.getLocalPort(), status.switchTarget());
            assertTrue(status.keepalivesAnswered() >= 1, StatusJson.write(status));
            assertTrue(status.secondsSinceHeard() < 3, StatusJson.write(status));
        }
        assertFalse(Files.exists(directory.fileOf("vswb")), "removed at stop");
    }

    @Test
    void notConnectedWhileTheSwitchIsSilentThenSilentAfterDeadAfter() throws Exception {
        startSwitch(false);
        vport = start(Duration.ofSeconds(1), Duration.ofSeconds(2));
        LinkState starting = vport.linkState();
        assertFalse(starting.connected());
        assertEquals(LinkState.Phase.CONNECTING, starting.phase());
        assertNull(starting.sinceHeard());
        assertFalse(starting.rtt().measured());
        await("silent after --dead-after", () -> vport.linkState().phase() == LinkState.Phase.SILENT);
        assertFalse(vport.linkState().connected());
    }

    private void startSwitch(boolean answerKeepalives) throws Exception {
        fakeSwitch = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        fakeSwitch.setSoTimeout(100);
        answering = new Thread(() -> {
            byte[] buffer = new byte[2048];
            while (answer) {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                    fakeSwitch.receive(packet);
                } catch (SocketTimeoutException e) {
                    continue;
                } catch (Exception e) {
                    return;
                }
                ByteBuffer received = ByteBuffer.wrap(packet.getData(), 0, packet.getLength());
                if (answerKeepalives && Keepalive.kind(received, 0, packet.getLength()) == Keepalive.REQUEST) {
                    ByteBuffer reply = ByteBuffer.allocate(Keepalive.LENGTH);
                    Keepalive.writeReply(reply, EthernetFrame.source(received, 0));
                    try {
                        fakeSwitch.send(new DatagramPacket(reply.array(), Keepalive.LENGTH, packet.getSocketAddress()));
                    } catch (Exception e) {
                        return;
                    }
                }
            }
        }, "fake-switch");
        answering.setDaemon(true);
        answering.start();
    }

    private HostPort target() {
        return new HostPort("127.0.0.1", fakeSwitch.getLocalPort());
    }

    private Vport start(Duration keepalive, Duration deadAfter) {
        SwitchLink link = SwitchLink.connect(target().resolve(), counters);
        Vport started = new Vport(new IdleTap(), link, counters, new Vport.Settings(target(), Mtu.LEGACY_TAP_MTU, keepalive, deadAfter,
                PathProof.Mode.OFF),
                TAP_MAC, null, stopSignal);
        started.start();
        return started;
    }

    /** Polls in this thread every 10 ms, as the vport's threads change what {@code condition} reads. */
    private void await(String what, Callable<Boolean> condition) {
        Awaitility.await(what).atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).pollInSameThread()
                .untilAsserted(() -> assertTrue(condition.call(), () -> what + "; " + counters.summary()));
    }

    /** A TAP on which nothing happens. */
    private static final class IdleTap implements FrameDevice {
        @Override
        public void setMtu(int mtu) {
            throw new AssertionError("the plain format never changes the MTU");
        }

        @Override
        public int readNow(ByteBuffer frame) {
            return 0;
        }

        @Override
        public boolean awaitFrame(int timeoutMillis) {
            // Blocks for the whole timeout as a real TAP does when nothing arrives; returning at once would spin the loop.
            try {
                Thread.sleep(timeoutMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return false;
        }

        @Override
        public boolean write(ByteBuffer frame) {
            return true;
        }
    }
}
