package dev.vswitch.vport.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a check but a measurement for issue #19, run on request ({@code -Dvswitch.udp.measure=true}): the time to send
 * 64 KB TCP segments cut into 45 datagrams of 1,452 bytes to a loopback receiver that drains them: one {@code sendmsg}
 * with UDP_SEGMENT per segment, to a receiver with UDP GRO (one receive per run) and to one without (one per datagram);
 * the same call without GSO (45 sends); 45 plain sends; 45 {@code DatagramChannel.write}s as {@code SwitchLink} does
 * today. On loopback the sender's system call also carries the packets into the receiver's socket, so its time is the
 * path's cost; the receiver, one thread, drops what it cannot keep up with, which the "received" columns show.
 * Bounded loops, loopback only; nothing is asserted on time.
 */
@EnabledIfSystemProperty(named = "vswitch.udp.measure", matches = "true")
class GsoSendMeasurementTest {

    private static final int SEGMENT = 1452;
    private static final int SEGMENTS = 45;
    private static final int ROUNDS = 10_000;
    private static final int WARM_UP_ROUNDS = 2_000;
    private static final int BUFFER_BYTES = 4 << 20;

    @Test
    void measure() throws Exception {
        System.out.printf(Locale.ROOT, "%d x %d datagrams of %d bytes to 127.0.0.1 (%s)%n", ROUNDS, SEGMENTS, SEGMENT,
                System.getProperty("os.version"));
        run("sendSegments, GSO -> GRO receiver", true, true, (socket, channel, buffer) -> socket.sendSegments(buffer.clear(), SEGMENT));
        run("sendSegments, GSO", true, false, (socket, channel, buffer) -> socket.sendSegments(buffer.clear(), SEGMENT));
        run("sendSegments, no GSO", false, false, (socket, channel, buffer) -> socket.sendSegments(buffer.clear(), SEGMENT));
        run("45 x send", true, false, (socket, channel, buffer) -> {
            for (int i = 0; i < SEGMENTS; i++) {
                if (socket.send(buffer.limit((i + 1) * SEGMENT).position(i * SEGMENT)) != SendResult.SENT) {
                    return SendResult.FAILED;
                }
            }
            return SendResult.SENT;
        });
        run("45 x DatagramChannel.write", true, false, (socket, channel, buffer) -> {
            for (int i = 0; i < SEGMENTS; i++) {
                if (channel.write(buffer.limit((i + 1) * SEGMENT).position(i * SEGMENT)) != SEGMENT) {
                    return SendResult.FAILED;
                }
            }
            return SendResult.SENT;
        });
    }

    private interface Round {
        SendResult send(NativeUdpSocket socket, DatagramChannel channel, ByteBuffer buffer) throws IOException;
    }

    /** What the receiving thread saw: datagrams, and when it received the last one. */
    private static final class Drained {
        final AtomicLong datagrams = new AtomicLong();
        volatile long lastNanos;

        void received(long count) {
            datagrams.addAndGet(count);
            lastNanos = System.nanoTime();
        }
    }

    private static void run(String name, boolean gso, boolean gro, Round round) throws Exception {
        InetSocketAddress drainAddress;
        try (DatagramSocket reserved = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            drainAddress = (InetSocketAddress) reserved.getLocalSocketAddress();
        }
        boolean viaChannel = name.contains("DatagramChannel");
        try (NativeUdpSocket socket = NativeUdpSocket.open(drainAddress, BUFFER_BYTES, gso);
                DatagramChannel channel = DatagramChannel.open().connect(drainAddress);
                NativeUdpSocket drain = NativeUdpSocket.open(viaChannel ? (InetSocketAddress) channel.getLocalAddress()
                        : socket.localAddress(), BUFFER_BYTES, true, drainAddress)) {
            if (gro) {
                assertTrue(drain.enableGro(), "UDP GRO");
            }
            channel.setOption(StandardSocketOptions.SO_SNDBUF, BUFFER_BYTES);
            Drained drained = new Drained();
            CompletableFuture<Void> draining = CompletableFuture.runAsync(() -> drain(drain, drained));
            ByteBuffer buffer = ByteBuffer.allocateDirect(SEGMENTS * SEGMENT);
            for (int i = 0; i < WARM_UP_ROUNDS; i++) {
                round.send(socket, channel, buffer);
            }
            awaitQuiet(drained);
            long countedFrom = drained.datagrams.get();
            long calls = socket.sendCalls;
            long start = System.nanoTime();
            for (int i = 0; i < ROUNDS; i++) {
                assertEquals(SendResult.SENT, round.send(socket, channel, buffer));
            }
            long nanos = System.nanoTime() - start;
            long sendCalls = socket.sendCalls - calls;
            long datagrams = (long) ROUNDS * SEGMENTS;
            awaitQuiet(drained);
            long received = drained.datagrams.get() - countedFrom;
            long receiverNanos = drained.lastNanos - start;
            drain.close();
            draining.get(5, TimeUnit.SECONDS);
            System.out.printf(Locale.ROOT, "%-34s %7.1f ms %7.2f us/64KB %6.2f Gbit/s %,9d syscalls | received %,7d in %7.1f ms = %5.2f Gbit/s%n",
                    name, nanos / 1e6, nanos / 1e3 / ROUNDS, gbits(datagrams, nanos), sendCalls == 0 ? datagrams : sendCalls,
                    received, receiverNanos / 1e6, gbits(received, receiverNanos));
        }
    }

    /** Until nothing arrived for 100 ms: all that will arrive did. */
    private static void awaitQuiet(Drained drained) {
        Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> System.nanoTime() - drained.lastNanos > 100_000_000L);
    }

    private static double gbits(long datagrams, long nanos) {
        return datagrams * SEGMENT * 8.0 / nanos;
    }

    /** One receive per datagram, or with GRO one per coalesced run; counts datagrams until the socket is closed. */
    private static void drain(NativeUdpSocket drain, Drained drained) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(65_535);
        int length;
        while ((length = drain.receive(buffer)) != NativeUdpSocket.CLOSED) {
            if (length > 0) {
                int segment = drain.receivedSegmentSize();
                drained.received((length + segment - 1) / segment);
            }
        }
    }
}
