package dev.vswitch.vport.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.Keepalive;
import dev.vswitch.vport.values.HostPort;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Keepalives and liveness against a fake switch on 127.0.0.1, with the monitor's log lines captured. */
class SwitchMonitorTest {

    private static final long TAP_MAC = 0x02005e100001L;

    private final LinkCounters counters = new LinkCounters();
    private final List<String> logLines = new CopyOnWriteArrayList<>();
    private final Logger monitorLog = Logger.getLogger(SwitchMonitor.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logLines.add(record instanceof ExtLogRecord printf ? printf.getFormattedMessage() : new SimpleFormatter().formatMessage(record));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private DatagramChannel fakeSwitch;
    private SwitchLink link;

    @BeforeEach
    void connect() throws Exception {
        fakeSwitch = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        link = SwitchLink.connect((InetSocketAddress) fakeSwitch.getLocalAddress(), counters);
        monitorLog.addHandler(capture);
    }

    @AfterEach
    void close() throws Exception {
        monitorLog.removeHandler(capture);
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
        Thread.sleep(1100);
        monitor.check();
        assertFalse(monitor.switchTakesOffload(), "forgotten once the switch fell silent: it may be another one when it is back");
    }

    @Test
    void logsSilenceOnceAndTheReturnOnce() throws Exception {
        SwitchMonitor monitor = monitor("127.0.0.1", Duration.ofSeconds(1));
        monitor.check();
        assertEquals(List.of(), logLines, "nothing to report before the first second");
        Thread.sleep(1100);
        for (int i = 0; i < 3; i++) {
            monitor.check();
        }
        int port = link.remote().getPort();
        assertEquals(List.of("waiting for switch 127.0.0.1:" + port + ": no reply for 1 s"), logLines);

        monitor.heard();
        monitor.check();
        monitor.check();
        assertEquals(2, logLines.size(), logLines.toString());
        assertEquals("switch 127.0.0.1:" + port + " is answering again", logLines.get(1));
    }

    @Test
    void aSilentNamedSwitchIsReResolvedAndKeptWhenUnchanged() throws Exception {
        SwitchMonitor monitor = monitor("localhost", Duration.ofSeconds(1));
        InetSocketAddress before = link.remote();
        Thread.sleep(1100);
        monitor.check();
        assertEquals(1, logLines.size(), logLines.toString());
        assertTrue(logLines.get(0).endsWith("no reply for 1 s; re-resolving localhost"), logLines.get(0));
        assertEquals(before, link.remote(), "localhost still resolves to the same address, so no reconnect");
    }

    private SwitchMonitor monitor(String host, Duration deadAfter) {
        return monitor(host, deadAfter, false);
    }

    private SwitchMonitor monitor(String host, Duration deadAfter, boolean offload) {
        return new SwitchMonitor(new HostPort(host, link.remote().getPort()), link, counters, TAP_MAC, deadAfter, offload);
    }
}
