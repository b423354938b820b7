package dev.vswitch.server.dashboard;

import dev.vswitch.protocol.MacAddress;
import dev.vswitch.server.secure.SecureClient;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Steady traffic through the running switch, on a background thread, so that every series a dashboard panel reads
 * moves: per network two real UDP {@link SecureClient}s exchange unicast, broadcast, multicast and unknown-unicast
 * frames (each one checked on arrival), and now and then send a runt frame (a switching drop), a garbage datagram
 * (a secure-port drop) and roam to a new source port. Paced well below storm control.
 */
final class Traffic implements AutoCloseable {

    private static final long MULTICAST = 0x01_00_5e_00_00_fbL;
    private static final long NOBODY = 0x02_00_00_00_ff_feL;
    private static final long ROUND_PAUSE_MS = 20;

    private final List<SecureClient[]> pairs = new ArrayList<>();
    private final Thread thread;
    private final AtomicLong rounds = new AtomicLong();
    private volatile boolean running = true;
    private volatile Throwable failure;

    private Traffic(int switchPort, List<String> networks) throws IOException {
        long mac = 0x02_00_00_00_50_00L; // a range no other test class uses: MACs move only after the hold time
        try {
            for (String network : networks) {
                SecureClient[] pair = new SecureClient[2];
                pairs.add(pair);
                pair[0] = SecureClient.joined(switchPort, network, ++mac);
                pair[1] = SecureClient.joined(switchPort, network, ++mac);
            }
        } catch (IOException | RuntimeException | Error e) {
            closeClients();
            throw e;
        }
        thread = new Thread(this::run, "dashboard-traffic");
        thread.setDaemon(true);
    }

    static Traffic start(int switchPort, List<String> networks) throws IOException {
        Traffic traffic = new Traffic(switchPort, networks);
        traffic.thread.start();
        return traffic;
    }

    long rounds() {
        return rounds.get();
    }

    /** Fails if the traffic thread met a frame that did not arrive or an I/O error. */
    void check() {
        if (failure != null) {
            throw new AssertionError("traffic through the switch failed after " + rounds() + " rounds", failure);
        }
    }

    private void run() {
        try {
            while (running) {
                long round = rounds.get();
                for (SecureClient[] pair : pairs) {
                    SecureClient a = pair[0];
                    SecureClient b = pair[1];
                    exchange(a, b, b.mac, 400);
                    exchange(b, a, a.mac, 1200);
                    exchange(a, b, MacAddress.BROADCAST, 60);
                    exchange(b, a, MULTICAST, 90);
                    exchange(a, b, NOBODY, 100);
                    if (round % 25 == 0) {
                        a.sendFrame(new byte[10]); // shorter than an Ethernet header: dropped as a runt
                        b.sendRaw(new byte[] {9, 9, 9}); // not a message of the wire format: dropped as malformed
                    }
                    if (round % 50 == 25) {
                        a.roam(); // the next frame comes from a new source port
                    }
                }
                rounds.incrementAndGet();
                Thread.sleep(ROUND_PAUSE_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            failure = e;
        }
    }

    private static void exchange(SecureClient from, SecureClient to, long destination, int length) throws IOException {
        from.sendFrame(from.frameTo(destination, length));
        to.receiveFrame();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
        closeClients();
    }

    private void closeClients() {
        for (SecureClient[] pair : pairs) {
            for (SecureClient client : pair) {
                if (client != null) {
                    client.close();
                }
            }
        }
    }
}
