package dev.vswitch.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * The floor under vswitch's ping time on a machine: the round trip of one small datagram between two Java threads over
 * loopback UDP, each blocked in a read until it arrives, the way each hop of vswitch waits (vport's TAP and socket
 * threads, the switch's event loop). Measured back to back (the CPUs stay busy) and with a pause before each round
 * trip like ping's interval, after which idle CPUs must be woken, which on a virtual machine costs an exit to the host.
 * A ping through vswitch crosses six such thread wake-ups (three each way).
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar dev.vswitch.bench.WakeupProbe [ROUND_TRIPS] [PAUSE_MICROS]}
 * (defaults 2000 and 10000, ping's 0.01 s). Loopback only; bounded by the count.
 */
public final class WakeupProbe {

    private WakeupProbe() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        int roundTrips = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        long pauseMicros = args.length > 1 ? Long.parseLong(args[1]) : 10_000;
        if (roundTrips < 10 || roundTrips > 100_000 || pauseMicros < 0 || pauseMicros > 1_000_000) {
            System.err.println("usage: WakeupProbe [ROUND_TRIPS 10-100000] [PAUSE_MICROS 0-1000000]");
            System.exit(2);
        }
        try (DatagramChannel echo = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
                DatagramChannel client = DatagramChannel.open().connect(echo.getLocalAddress())) {
            Thread echoing = new Thread(() -> echo(echo), "echo");
            echoing.setDaemon(true);
            echoing.start();
            report("back to back", measure(client, roundTrips, 0));
            report("after " + pauseMicros + " us idle", measure(client, roundTrips / 5, pauseMicros));
        }
    }

    private static void echo(DatagramChannel channel) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(2048);
        try {
            while (true) {
                buffer.clear();
                SocketAddress from = channel.receive(buffer);
                buffer.flip();
                channel.send(buffer, from);
            }
        } catch (ClosedChannelException e) {
            // the probe is done
        } catch (IOException e) {
            System.err.println("echo thread: " + e.getMessage());
        }
    }

    /** Round-trip times in nanoseconds, the first fifth (warm-up) left out. */
    private static long[] measure(DatagramChannel client, int roundTrips, long pauseMicros) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(2048);
        long[] nanos = new long[roundTrips];
        for (int i = 0; i < roundTrips; i++) {
            if (pauseMicros > 0) {
                LockSupport.parkNanos(pauseMicros * 1000);
            }
            buffer.clear().limit(64);
            long start = System.nanoTime();
            client.write(buffer);
            buffer.clear();
            client.read(buffer);
            nanos[i] = System.nanoTime() - start;
        }
        return Arrays.copyOfRange(nanos, roundTrips / 5, roundTrips);
    }

    private static void report(String what, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double average = Arrays.stream(sorted).average().orElse(0);
        System.out.printf(Locale.ROOT, "UDP round trip between two threads, %s: min %.1f us, median %.1f us, avg %.1f us,"
                + " p99 %.1f us (%d round trips)%n", what, sorted[0] / 1e3, sorted[sorted.length / 2] / 1e3, average / 1e3,
                sorted[sorted.length * 99 / 100] / 1e3, sorted.length);
    }
}
