package dev.vswitch.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * The floor under vswitch's ping time on a machine: the round trip of one small datagram between two Java threads over
 * loopback UDP, each blocked in a read until it arrives, the way each hop of vswitch waits (vport's TAP and socket
 * threads, the switch's event loop). Measured back to back (the CPUs stay busy) and with a pause before each round
 * trip like ping's interval, after which idle CPUs must be woken, which on a virtual machine costs an exit to the host.
 * A ping through vswitch crosses five such thread hand-overs.
 *
 * <p>The third argument says how the threads wait, to show what busy polling would buy instead of sleeping:
 * {@code block} (both sleep in the read, as vswitch's threads do), {@code spin-echo} (the echoing thread, standing
 * for the switch, polls its non-blocking socket without sleeping; the client sleeps), {@code spin-both} (both poll,
 * the client also through its pause). A polling thread keeps one CPU busy for the whole run.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar dev.vswitch.bench.WakeupProbe [ROUND_TRIPS] [PAUSE_MICROS]
 * [block|spin-echo|spin-both]} (defaults 2000, 10000, ping's 0.01 s, and block). Loopback only; bounded by the count.
 */
public final class WakeupProbe {

    private static final String USAGE = "usage: WakeupProbe [ROUND_TRIPS 10-100000] [PAUSE_MICROS 0-1000000]"
            + " [block|spin-echo|spin-both]";
    private static final List<String> WAITING = List.of("block", "spin-echo", "spin-both");

    private WakeupProbe() {
    }

    public static void main(String[] args) throws IOException {
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Measures and reports to {@code out}; 0, or 2 with the usage on {@code err} when the arguments are off. */
    static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        int roundTrips;
        long pauseMicros;
        try {
            roundTrips = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
            pauseMicros = args.length > 1 ? Long.parseLong(args[1]) : 10_000;
        } catch (NumberFormatException e) {
            roundTrips = -1;
            pauseMicros = -1;
        }
        String waiting = args.length > 2 ? args[2] : "block";
        if (roundTrips < 10 || roundTrips > 100_000 || pauseMicros < 0 || pauseMicros > 1_000_000
                || !WAITING.contains(waiting) || args.length > 3) {
            err.println(USAGE);
            return 2;
        }
        boolean echoSpins = !waiting.equals("block");
        boolean clientSpins = waiting.equals("spin-both");
        try (DatagramChannel echo = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
                DatagramChannel client = DatagramChannel.open().connect(echo.getLocalAddress())) {
            echo.configureBlocking(!echoSpins);
            client.configureBlocking(!clientSpins);
            Thread echoing = new Thread(() -> echo(echo), "echo");
            echoing.setDaemon(true);
            echoing.start();
            report(out, waiting + ", back to back", measure(client, roundTrips, 0));
            report(out, waiting + ", after " + pauseMicros + " us idle", measure(client, roundTrips / 5, pauseMicros));
        }
        return 0;
    }

    /** Sends every datagram back; on a non-blocking channel {@code receive} returns null and the loop polls again. */
    private static void echo(DatagramChannel channel) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(2048);
        try {
            while (true) {
                buffer.clear();
                SocketAddress from = channel.receive(buffer);
                if (from == null) {
                    Thread.onSpinWait();
                    continue;
                }
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
            pause(pauseMicros, !client.isBlocking());
            buffer.clear().limit(64);
            long start = System.nanoTime();
            client.write(buffer);
            buffer.clear();
            while (client.read(buffer) <= 0) {
                Thread.onSpinWait();
            }
            nanos[i] = System.nanoTime() - start;
        }
        return Arrays.copyOfRange(nanos, roundTrips / 5, roundTrips);
    }

    /** Like ping's interval: asleep, or for a polling client, busy until the time is up. */
    private static void pause(long micros, boolean spin) {
        long nanos = micros * 1000;
        if (!spin) {
            LockSupport.parkNanos(nanos);
            return;
        }
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() - end < 0) {
            Thread.onSpinWait();
        }
    }

    private static void report(PrintStream out, String what, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double average = Arrays.stream(sorted).average().orElse(0);
        out.printf(Locale.ROOT, "UDP round trip between two threads, %s: min %.1f us, median %.1f us, avg %.1f us,"
                + " p99 %.1f us (%d round trips)%n", what, sorted[0] / 1e3, sorted[sorted.length / 2] / 1e3, average / 1e3,
                sorted[sorted.length * 99 / 100] / 1e3, sorted.length);
    }
}
