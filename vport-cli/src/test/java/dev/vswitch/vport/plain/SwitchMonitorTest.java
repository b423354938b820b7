package dev.vswitch.vport.plain;

import dev.vswitch.vport.link.PathProof;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.Keepalive;
import dev.vswitch.vport.link.LinkCounters;
import dev.vswitch.vport.link.SwitchLink;
import dev.vswitch.vport.testing.LogCapture;
import dev.vswitch.vport.values.HostPort;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Keepalives and liveness against a fake switch on 127.0.0.1, with the monitor's log lines captured; the monitor's
 * clock is the test's, which moves past --dead-after at once.
 */
class SwitchMonitorTest {

    private static final long TAP_MAC = 0x02005e100001L;

    private final LinkCounters counters = new LinkCounters();
    private final AtomicLong nanos = new AtomicLong();
    private LogCapture log;
    private DatagramChannel fakeSwitch;
    private SwitchLink link;

    @BeforeEach
    void connect() throws Exception {
        fakeSwitch = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        link = SwitchLink.connect((InetSocketAddress) fakeSwitch.getLocalAddress(), counters);
        log = new LogCapture(SwitchMonitor.class);
    }

    @AfterEach
    void close() throws Exception {
        log.close();
        link.close();
        fakeSwitch.close();
    }

    @Test
    void sendsAKeepaliveRequestFromTheTapsMac() throws Exception {
        monitor("127.0.0.1", Duration.ofSeconds(15)).sendKeepalive();
        ByteBuffer received = ByteBuffer.allocate(100);
        fakeSwitch.receive(received);
        received.flip();
        assertEquals(Keepalive.LENGTH, received.remaining());
        assertEquals(Keepalive.REQUEST, Keepalive.kind(received, 0, received.remaining()));
        assertEquals(TAP_MAC, EthernetFrame.source(received, 0));
        assertEquals(1, counters.keepalivesSent());
    }

    @Test
    void withOffloadTheRequestsOfferItAndEachReplySaysWhetherTheSwitchTakesItUntilTheSwitchFallsSilent() throws Exception {
        SwitchMonitor monitor = monitor("127.0.0.1", Duration.ofSeconds(1), true);
        monitor.sendKeepalive();
        ByteBuffer received = ByteBuffer.allocate(100);
        fakeSwitch.receive(received);
        received.flip();
        assertEquals(Keepalive.REQUEST_OFFLOAD, Keepalive.kind(received, 0, received.remaining()));
        assertFalse(monitor.switchTakesOffload(), "not before the switch said so");

        monitor.heard();
        monitor.keepaliveReplied(true);
        assertTrue(monitor.switchTakesOffload());
        monitor.keepaliveReplied(false);
        assertFalse(monitor.switchTakesOffload(), "a plain reply takes it back");
        monitor.keepaliveReplied(true);
        nanos.addAndGet(Duration.ofMillis(1100).toNanos());
        monitor.check();
        assertFalse(monitor.switchTakesOffload(), "forgotten once the switch fell silent: it may be another one when it is back");
    }

    @Test
    void logsSilenceOnceAndTheReturnOnce() throws Exception {
        SwitchMonitor monitor = monitor("127.0.0.1", Duration.ofSeconds(1));
        monitor.check();
        assertEquals(List.of(), log.lines, "nothing to report before the first second");
        nanos.addAndGet(Duration.ofMillis(1100).toNanos());
        for (int i = 0; i < 3; i++) {
            monitor.check();
        }
        int port = link.remote().getPort();
        assertEquals(List.of("waiting for switch 127.0.0.1:" + port + ": no reply for 1 s"), log.lines);

        monitor.heard();
        monitor.check();
        monitor.check();
        assertEquals(2, log.lines.size(), log.lines.toString());
        assertEquals("switch 127.0.0.1:" + port + " is answering again", log.lines.get(1));
    }

    @Test
    void aSilentNamedSwitchIsReResolvedAndKeptWhenUnchanged() throws Exception {
        SwitchMonitor monitor = monitor("localhost", Duration.ofSeconds(1));
        InetSocketAddress before = link.remote();
        nanos.addAndGet(Duration.ofMillis(1100).toNanos());
        monitor.check();
        assertEquals(1, log.lines.size(), log.lines.toString());
        assertTrue(log.lines.get(0).endsWith("no reply for 1 s; re-resolving localhost"), log.lines.get(0));
        assertEquals(before, link.remote(), "localhost still resolves to the same address, so no reconnect");
    }

    private SwitchMonitor monitor(String host, Duration deadAfter) {
        return monitor(host, deadAfter, false);
    }

    private SwitchMonitor monitor(String host, Duration deadAfter, boolean offload) {
        return new SwitchMonitor(new HostPort(host, link.remote().getPort()), link, counters, TAP_MAC, deadAfter,
                offload ? PathProof.Mode.ON : PathProof.Mode.OFF, nanos::get);
    }
}
